/** A level-free wake-up: `wait()` resolves at the next `fire()`. Used to wake waiters when any model's
 *  in-flight count drops or an instance stops, instead of polling. */
export class Signal {
  private waiters: (() => void)[] = [];

  wait(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  fire(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const resolve of w) resolve();
  }
}
