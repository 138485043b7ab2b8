import type { Line, SimEvent, TestContact } from "./simulation";

/** A transcript to share: who the test contact was, then the conversation as it happened. */
export function transcriptText(flowName: string, contact: TestContact, lines: Line[]): string {
  const head = [
    `Simulation of "${flowName}"`,
    `Contact: ${contact.name || "(no name)"} <${contact.urn}>, language ${contact.language || "-"}${contact.timezone ? `, ${contact.timezone}` : ""}`,
    ...Object.entries(contact.fields).filter(([, v]) => v.trim()).map(([k, v]) => `  ${k}: ${v}`),
    ...(contact.groups.length ? [`Groups: ${contact.groups.map((g) => g.name).join(", ")}`] : []),
    "",
  ];
  const body = lines.map((l) => {
    const at = new Date(l.at).toISOString().replace("T", " ").slice(0, 19);
    if (l.kind === "out") return `[${at}] FLOW: ${l.text}${l.quickReplies.length ? ` [${l.quickReplies.join(" | ")}]` : ""}${l.attachments.length ? ` (${l.attachments.join(", ")})` : ""}`;
    if (l.kind === "in") return `[${at}] CONTACT: ${l.text}`;
    return `[${at}] -- ${l.text}`;
  });
  return [...head, ...body, ""].join("\n");
}

export function transcriptJSON(flow: { uuid: string; name: string; version: string }, contact: TestContact, lines: Line[], events: SimEvent[]): string {
  return JSON.stringify({ flow, contact, transcript: lines.map((l) => ({ ...l, at: new Date(l.at).toISOString() })), events }, null, 2);
}

export function download(name: string, type: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
