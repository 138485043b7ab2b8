export function StartPage() { return <main><h1>StartPage</h1></main>; }
