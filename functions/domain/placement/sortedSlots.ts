/**
 * Instance slots kept in ascending order of a per-slot key (a remaining
 * resource), ties by slot: the index behind `binpack`, which wants the
 * instance with the least left that still fits — a binary search to the
 * first slot whose key reaches the request, then a walk upwards.
 *
 * The walk must not crawl over instances that have plenty of this resource
 * but not enough of the other one (memory left on hosts whose CPU is all
 * taken, the usual state of a busy cluster packed by memory). So the slots
 * sit in small sorted blocks, each knowing the largest *other* key among its
 * slots, and the walk skips any block whose best is still too small — a
 * two-level structure (a sorted list of sorted blocks) that keeps inserts and
 * removals to a few dozen moved numbers, without a tree's allocations.
 *
 * The keys live outside, in typed arrays the owner updates. The owner must
 * `remove` a slot *before* changing either of its keys and `insert` it after,
 * because removal finds the slot by its current key and blocks summarise the
 * other key.
 */

/** Blocks split when they reach twice this size. */
const BLOCK_SIZE = 32;

/** Receives the slots of a walk; an object rather than a callback so that a hot loop can reuse one. */
interface SlotVisitor {
  /** Returns false to stop the walk. */
  visit(slot: number, key: number): boolean;
}

interface Block {
  slots: number[];
  /** Largest other-key among the block's slots. */
  maxOther: number;
}

class SortedSlots {
  private blocks: Block[] = [];
  private count = 0;

  constructor(
    private readonly keys: Float64Array,
    private readonly others: Float64Array,
    members: Iterable<number>,
  ) {
    const sorted = [...members].sort((left, right) => this.compare(left, right));
    for (let start = 0; start < sorted.length; start += BLOCK_SIZE) {
      this.blocks.push(this.block(sorted.slice(start, start + BLOCK_SIZE)));
    }
    this.count = sorted.length;
  }

  get size(): number {
    return this.count;
  }

  /**
   * Visits, in (key, slot) order, the slots whose key is at least `from` and
   * whose other key is at least `otherAtLeast` (the rest could not fit
   * anyway), until the visitor returns false.
   */
  walk(from: number, otherAtLeast: number, visitor: SlotVisitor): void {
    const { keys, others, blocks } = this;
    for (let b = this.firstBlockReaching(from); b < blocks.length; b += 1) {
      const block = blocks[b]!;
      if (block.maxOther < otherAtLeast) continue;
      const { slots } = block;
      for (let position = 0; position < slots.length; position += 1) {
        const slot = slots[position]!;
        const key = keys[slot]!;
        if (key < from || others[slot]! < otherAtLeast) continue;
        if (!visitor.visit(slot, key)) return;
      }
    }
  }

  insert(slot: number): void {
    if (this.blocks.length === 0) {
      this.blocks.push(this.block([slot]));
      this.count = 1;
      return;
    }
    const index = this.blockFor(slot);
    const block = this.blocks[index]!;
    block.slots.splice(this.positionIn(block.slots, slot), 0, slot);
    block.maxOther = Math.max(block.maxOther, this.others[slot]!);
    this.count += 1;
    if (block.slots.length >= 2 * BLOCK_SIZE) {
      const upper = block.slots.splice(BLOCK_SIZE);
      block.maxOther = this.maxOtherOf(block.slots);
      this.blocks.splice(index + 1, 0, this.block(upper));
    }
  }

  /** Removes a slot, found by its current key; a slot that is not there is ignored. */
  remove(slot: number): void {
    if (this.blocks.length === 0) return;
    const index = this.blockFor(slot);
    const block = this.blocks[index]!;
    const position = this.positionIn(block.slots, slot);
    if (block.slots[position] !== slot) return;
    block.slots.splice(position, 1);
    this.count -= 1;
    if (block.slots.length === 0) this.blocks.splice(index, 1);
    else block.maxOther = this.maxOtherOf(block.slots);
  }

  /** All slots in (key, slot) order (a copy, for tests and debugging). */
  toArray(): number[] {
    return this.blocks.flatMap((block) => block.slots);
  }

  private block(slots: number[]): Block {
    return { slots, maxOther: this.maxOtherOf(slots) };
  }

  private maxOtherOf(slots: readonly number[]): number {
    let max = Number.NEGATIVE_INFINITY;
    for (const slot of slots) max = Math.max(max, this.others[slot]!);
    return max;
  }

  private compare(left: number, right: number): number {
    return this.keys[left]! - this.keys[right]! || left - right;
  }

  /** The first block whose last key is at least `key` (where a walk from `key` starts). */
  private firstBlockReaching(key: number): number {
    let low = 0;
    let high = this.blocks.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const slots = this.blocks[middle]!.slots;
      if (this.keys[slots[slots.length - 1]!]! < key) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** The block that holds, or should hold, `slot` in (key, slot) order. */
  private blockFor(slot: number): number {
    let low = 0;
    let high = this.blocks.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const slots = this.blocks[middle]!.slots;
      if (this.compare(slots[slots.length - 1]!, slot) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** The position where `slot` is, or would be inserted, within a block. */
  private positionIn(slots: readonly number[], slot: number): number {
    let low = 0;
    let high = slots.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.compare(slots[middle]!, slot) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}

export { type SlotVisitor, SortedSlots };
