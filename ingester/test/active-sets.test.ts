import { GapEncoder, RowSetCollector, decodeUsers, encodeUsers } from '../src/store/activeSets';
import { usageDay } from '../src/reports/schema';
import { UnionCounter, isSubsetOf, sizeOf, unionOf } from '../src/store/userSets';

test('user sets round-trip through the gap-varint encoding, sorted, at every size of gap', () => {
  const refs = [
    5,
    1,
    2,
    3,
    127,
    128,
    129,
    16_384,
    16_385,
    2 ** 21,
    2 ** 28 + 7,
    4_000_000_000,
    4_000_000_001,
    4_294_967_295,
  ];
  const encoded = encodeUsers(refs);
  expect([...decodeUsers(encoded)]).toEqual([...refs].sort((a, b) => a - b));
  expect(decodeUsers(encodeUsers([]))).toHaveLength(0);
  // A dense set costs about one byte per user.
  const dense = Array.from({ length: 10_000 }, (_, i) => 1 + i * 2);
  expect(encodeUsers(dense).length).toBeLessThanOrEqual(10_001);
  expect([...decodeUsers(encodeUsers(dense))]).toEqual(dense);
});

test('a set encoded as ascending users arrive equals the sorted encoding, keeps repeats once, and refuses disorder', () => {
  const refs = [1, 1, 2, 130, 130, 131, 20_000, 2 ** 28 + 7, 4_294_967_295];
  const streamed = new GapEncoder();
  for (const ref of refs) expect(streamed.add(ref)).toBe(true);
  expect(streamed.bytes()).toEqual(encodeUsers(refs));
  expect([...decodeUsers(streamed.bytes())]).toEqual([...new Set(refs)]);
  // Growing past the first buffer.
  const many = new GapEncoder();
  const dense = Array.from({ length: 5_000 }, (_, i) => 3 + i * 200);
  for (const ref of dense) many.add(ref);
  expect([...decodeUsers(many.bytes())]).toEqual(dense);
  // Out of order: the writer falls back to sorting.
  expect(many.add(7)).toBe(false);
});

test('unions, sizes and subsets of encoded sets agree with plain sets of the same users', () => {
  // Deterministic pseudo-random sets, some sharing users, one with refs past the stamp array's reach.
  let seed = 7;
  const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31);
  const sets = Array.from({ length: 6 }, (_, i) =>
    Array.from({ length: 50 + i * 40 }, () => 1 + (next() % (i === 5 ? 2 ** 31 : 5_000))),
  );
  const plain = (lists: number[][]) => [...new Set(lists.flat())].sort((a, b) => a - b);
  const encoded = sets.map(encodeUsers);
  for (const set of sets) expect(sizeOf(encodeUsers(set))).toBe(new Set(set).size);
  expect([...decodeUsers(unionOf(encoded.slice(0, 2)))]).toEqual(plain(sets.slice(0, 2)));
  expect([...decodeUsers(unionOf(encoded))]).toEqual(plain(sets));
  expect(unionOf([encoded[0]])).toBe(encoded[0]);

  const counter = new UnionCounter();
  expect(counter.count(encoded)).toBe(plain(sets).length);
  expect(counter.count(encoded.slice(1, 3))).toBe(plain(sets.slice(1, 3)).length);
  const only = new Set(sets[2].slice(0, 10));
  expect(counter.count(encoded, only)).toBe(plain(sets).filter((u) => only.has(u)).length);

  expect(isSubsetOf(encoded[0], unionOf(encoded))).toBe(true);
  expect(isSubsetOf(encodeUsers([]), encoded[0])).toBe(true);
  expect(isSubsetOf(unionOf(encoded.slice(0, 2)), encoded[0])).toBe(false);
});

test('a collector past its bound gives up (the sets are then read back), and below it encodes each set', () => {
  const cells = usageDay.values.map(() => null);
  const collect = (maxEntries: number, users: number[]) => {
    const collector = new RowSetCollector(maxEntries);
    for (const user of users) collector.observe(usageDay, user, cells);
    return collector.encoded();
  };
  // Every users row is a member of the `all` set (key 0): one membership a row.
  const users = [3, 1, 2, 10, 7];
  const sets = collect(5, users);
  expect([...decodeUsers(sets!.get('all')!.get(0)!)]).toEqual([1, 2, 3, 7, 10]);
  expect(collect(4, users)).toBeUndefined();
  // The subject 0 (an aggregate row) is no one's membership.
  expect(
    collect(4, [0, ...users.slice(0, 4)])!
      .get('all')!
      .get(0),
  ).toBeDefined();
});
