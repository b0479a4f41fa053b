/** Slots of a doorkeeper: a key is admitted the second time it is offered within about this many offers. */
const SLOTS = 1 << 16;

/** A 32-bit FNV-1a hash of `key`. */
function hashOf(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/**
 * The admission filter of a cache (TinyLFU's first stage): a fixed table of 65,536 key hashes (256 KiB).
 * The first offer of a key only writes its hash; the second, if no other key has taken the slot since, admits
 * it. So a stream of one-off keys allocates nothing and gets nothing admitted, while keys in use get in on
 * their second sighting.
 */
export class Doorkeeper {
  private readonly slots = new Uint32Array(SLOTS);

  /** True when `key` was offered before (recently); otherwise remembers it and answers false. */
  admit(key: string): boolean {
    const hash = (hashOf(key) | 1) >>> 0; // never 0, the empty slot
    const slot = hash & (SLOTS - 1);
    if (this.slots[slot] === hash) return true;
    this.slots[slot] = hash;
    return false;
  }
}
