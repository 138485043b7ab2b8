/** The load both targets get: distinct contacts, each sending its messages in turn, a bounded number in flight. */

export interface Load {
  contacts: number;
  messagesPerContact: number;
  /** Messages in flight at once (one per contact being served). */
  concurrency: number;
}

/**
 * One message from contact `contact` (its `step`-th); resolves with when (performance.now()) its
 * reply reached the provider and when the webhook itself was answered.
 */
export type Send = (contact: number, step: number) => Promise<{ replied: number; answered: number }>;

/** One target's rounds, added up. */
export class Samples {
  readonly replied: number[] = [];
  readonly answered: number[] = [];
  seconds = 0;

  /** Contacts `first` to `first + load.contacts - 1`, each worker taking the next contact when it is done with one. */
  async round(load: Load, first: number, send: Send): Promise<void> {
    let next = first;
    const end = first + load.contacts;
    const worker = async () => {
      while (next < end) {
        const contact = next++;
        for (let step = 0; step < load.messagesPerContact; step++) {
          const start = performance.now();
          const at = await send(contact, step);
          this.replied.push(at.replied - start);
          this.answered.push(at.answered - start);
        }
      }
    };
    const start = performance.now();
    await Promise.all(Array.from({ length: Math.min(load.concurrency, load.contacts) }, worker));
    this.seconds += (performance.now() - start) / 1000;
  }

  figures(): Figures {
    const replied = [...this.replied].sort((a, b) => a - b);
    const answered = [...this.answered].sort((a, b) => a - b);
    return {
      messages: replied.length,
      perSecond: replied.length / this.seconds,
      p50: percentile(replied, 50),
      p99: percentile(replied, 99),
      answeredP50: percentile(answered, 50),
      answeredP99: percentile(answered, 99),
    };
  }
}

/** Milliseconds from sending the webhook, except `perSecond`. */
export interface Figures {
  messages: number;
  perSecond: number;
  p50: number;
  p99: number;
  answeredP50: number;
  answeredP99: number;
}

/** Nearest rank, on sorted milliseconds. */
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
