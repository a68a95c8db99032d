import { GapEncoder, decodeUsers, encodeUsers } from '../src/store/activeSets';

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
