export function LaunchPage() { return <main><h1>LaunchPage</h1></main>; }
