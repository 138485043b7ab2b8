import { api } from "../api";
import type { Asset } from "../elements/types";

export type AssetItem = { uuid?: string; key?: string; name: string; type?: string };
export type Assets = Record<Asset, AssetItem[]>;

const EMPTY: Assets = { fields: [], groups: [], flows: [], labels: [], channels: [], topics: [], templates: [], users: [], whatsapp_forms: [] };

/**
 * What refs and completions choose from, read from the API. Kinds the API does not list yet
 * (labels, topics, templates, users) are typed by name; publishing reports the unknown ones.
 */
export async function loadAssets(): Promise<Assets> {
  const list = async <T,>(path: string): Promise<T[]> => {
    try {
      return (await api<{ results: T[] }>(path)).results;
    } catch {
      return [];
    }
  };
  const [fields, groups, flows, channels, forms] = await Promise.all([
    list<{ key: string; name: string; type: string }>("fields"),
    list<{ uuid: string; name: string }>("groups"),
    list<{ uuid: string; name: string; type: string }>("flows?limit=500"),
    list<{ uuid: string; name: string }>("channels"),
    list<{ uuid: string; name: string }>("whatsapp-forms"),
  ]);
  return { ...EMPTY, fields, groups, flows, channels, whatsapp_forms: forms.map((f) => ({ uuid: f.uuid, name: f.name })) };
}

export const emptyAssets = EMPTY;
