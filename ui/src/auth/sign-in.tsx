export function SignIn() { return <main><h1>SignIn</h1></main>; }
