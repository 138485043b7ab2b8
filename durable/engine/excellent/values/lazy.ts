import type { XValue } from "./types";

const PENDING: unique symbol = Symbol("pending");

/** What computes a lazy object's properties. */
export interface PropertySource {
  property(name: string): XValue;
}

/**
 * An object's properties, each computed the first time it is read: the flow engine's context has
 * dozens of them (the contact, its URNs and fields, every result...) and a template reads a few.
 * Iterating computes them all, in the order of `names`.
 */
export class LazyMap implements ReadonlyMap<string, XValue> {
  private computed: (XValue | typeof PENDING)[] | undefined;
  private index: Map<string, number> | undefined;

  constructor(
    private readonly names: readonly string[],
    private readonly source: PropertySource,
  ) {}

  private position(key: string): number {
    // A short list is searched; a long one (a workspace's fields) gets an index.
    if (this.names.length <= 16) return this.names.indexOf(key);
    this.index ??= new Map(this.names.map((n, i) => [n, i]));
    return this.index.get(key) ?? -1;
  }

  private at(i: number): XValue {
    // Many of these objects are never read: their slots are made on the first read.
    const computed = (this.computed ??= new Array<XValue | typeof PENDING>(this.names.length).fill(PENDING));
    let v = computed[i];
    if (v === PENDING) v = computed[i] = this.source.property(this.names[i]);
    return v;
  }

  get size(): number {
    return this.names.length;
  }

  has(key: string): boolean {
    return this.position(key) >= 0;
  }

  get(key: string): XValue | undefined {
    const i = this.position(key);
    return i < 0 ? undefined : this.at(i);
  }

  keys(): MapIterator<string> {
    return this.names[Symbol.iterator]();
  }

  *values(): MapIterator<XValue> {
    for (let i = 0; i < this.names.length; i++) yield this.at(i);
  }

  *entries(): MapIterator<[string, XValue]> {
    for (let i = 0; i < this.names.length; i++) yield [this.names[i], this.at(i)];
  }

  [Symbol.iterator](): MapIterator<[string, XValue]> {
    return this.entries();
  }

  forEach(fn: (value: XValue, key: string, map: ReadonlyMap<string, XValue>) => void): void {
    for (let i = 0; i < this.names.length; i++) fn(this.at(i), this.names[i], this);
  }
}
