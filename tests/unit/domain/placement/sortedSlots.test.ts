import fc from 'fast-check';
import { SortedSlots } from '../../../../functions/domain/placement/sortedSlots';

/** The slots a walk visits, with nothing stopping it. */
const walked = (index: SortedSlots, from: number, otherAtLeast: number): number[] => {
  const visited: number[] = [];
  index.walk(from, otherAtLeast, {
    visit: (slot) => {
      visited.push(slot);
      return true;
    },
  });
  return visited;
};

/** What a walk must visit: a filter and a sort, the obvious way. */
const expected = (
  keys: Float64Array,
  others: Float64Array,
  members: number[],
  from: number,
  otherAtLeast: number,
) =>
  members
    .filter((slot) => keys[slot]! >= from && others[slot]! >= otherAtLeast)
    .sort((left, right) => keys[left]! - keys[right]! || left - right);

describe('Class: SortedSlots', () => {
  it('orders by key, then by slot', () => {
    // Prepare
    const keys = Float64Array.from([30, 10, 20, 10]);
    const others = Float64Array.from([1, 1, 1, 1]);

    // Act
    const index = new SortedSlots(keys, others, [0, 1, 2, 3]);

    // Assess
    expect(index.toArray()).toStrictEqual([1, 3, 2, 0]);
    expect(index.size).toBe(4);
  });

  it.each([
    ['starts at the first key reaching the bound', 15, 0, [2, 0]],
    ['skips slots short of the other resource', 0, 5, [3, 0]],
    ['visits nothing past the largest key', 31, 0, []],
  ])('walk %s', (_case, from, otherAtLeast, slots) => {
    // Prepare
    const keys = Float64Array.from([30, 10, 20, 10]);
    const others = Float64Array.from([9, 1, 1, 5]);
    const index = new SortedSlots(keys, others, [0, 1, 2, 3]);

    // Act & Assess
    expect(walked(index, from, otherAtLeast)).toStrictEqual(slots);
  });

  it('stops when the visitor says so', () => {
    // Prepare
    const keys = Float64Array.from([1, 2, 3]);
    const index = new SortedSlots(keys, Float64Array.from([1, 1, 1]), [0, 1, 2]);
    const visited: number[] = [];

    // Act
    index.walk(0, 0, {
      visit: (slot) => {
        visited.push(slot);
        return slot !== 1;
      },
    });

    // Assess
    expect(visited).toStrictEqual([0, 1]);
  });

  it('stays equal to a sorted list through any sequence of key changes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }),
        fc.array(
          fc.tuple(fc.nat(), fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 50 })),
          {
            maxLength: 400,
          },
        ),
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 0, max: 50 }),
        (size, changes, from, otherAtLeast) => {
          // Prepare
          const keys = Float64Array.from({ length: size }, (_, slot) => (slot * 7) % 13);
          const others = Float64Array.from({ length: size }, (_, slot) => (slot * 5) % 11);
          const members = Array.from({ length: size }, (_, slot) => slot);
          const index = new SortedSlots(keys, others, members);

          // Act: the owner's protocol — out before a key changes, back in after.
          for (const [pick, key, other] of changes) {
            const slot = pick % size;
            index.remove(slot);
            keys[slot] = key;
            others[slot] = other;
            index.insert(slot);
          }

          // Assess
          expect(index.toArray()).toStrictEqual(expected(keys, others, members, 0, 0));
          expect(walked(index, from, otherAtLeast)).toStrictEqual(
            expected(keys, others, members, from, otherAtLeast),
          );
          expect(index.size).toBe(size);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('ignores the removal of a slot it does not hold and can grow from empty', () => {
    // Prepare
    const keys = Float64Array.from([5, 3]);
    const index = new SortedSlots(keys, Float64Array.from([0, 0]), []);

    // Act
    index.remove(0);
    index.insert(0);
    index.insert(1);
    index.remove(1);
    index.remove(1);

    // Assess
    expect(index.toArray()).toStrictEqual([0]);
    expect(index.size).toBe(1);
  });
});
