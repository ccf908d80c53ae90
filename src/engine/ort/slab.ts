/**
 * Float32 arrays cut from large blocks. A sampling step needs two new
 * arrays (its state and its logits); a typed array of its own costs
 * 0.4–3 µs to make here (fresh zeroed memory, 65 to 1,024 floats), a view
 * of a block 0.05–0.1 µs. The arrays never overlap and stay valid while
 * held: a block is freed once no array cut from it is left.
 */
export class Float32Slab {
  private block = new Float32Array(0);
  private used = 0;

  /** @param blockSize floats per block (1 MB) */
  constructor(private readonly blockSize = 1 << 18) {}

  /** A new array of `length` floats, starting on a 64-byte boundary of its block (zeroed only when its block is new). */
  take(length: number): Float32Array {
    if (this.used + length > this.block.length) {
      this.block = new Float32Array(Math.max(this.blockSize, length));
      this.used = 0;
    }
    const out = this.block.subarray(this.used, this.used + length);
    this.used += Math.ceil(length / 16) * 16;
    return out;
  }
}
