export function FlowList() { return <main><h1>FlowList</h1></main>; }
