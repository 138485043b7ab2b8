export function EditorPage() { return <main><h1>EditorPage</h1></main>; }
