/**
 * Runs tasks one at a time, in call order. The object's input gate only holds while storage is
 * awaited, not across a fetch (a provider send, a flow webhook), so this is what keeps two
 * messages for one contact from being handled at once.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => {});
    return result;
  }
}
