import { decodeUsers, encodeUsers } from '../src/store/activeSets';

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
