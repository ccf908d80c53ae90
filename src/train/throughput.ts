/** Training speed as the user sees it: characters per second, the mean of the last steps' own rates. */
export class Throughput {
  private readonly rates: number[] = [];

  /** @param window how many recent steps the mean covers */
  constructor(private readonly window = 20) {}

  /** Records a step of `chars` characters (batch × seq-len) that took `ms`; returns the current mean. */
  record(chars: number, ms: number): number {
    this.rates.push(chars / (ms / 1000));
    if (this.rates.length > this.window) this.rates.shift();
    return this.rates.reduce((a, b) => a + b, 0) / this.rates.length;
  }
}
