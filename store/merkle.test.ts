import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { leafHash, verifyConsistency, verifyInclusion } from '../audit/verifyProof';
import { appendToFrontier, consistencyPath, inclusionPath, merkleRoot, rootOfFrontier, type Frontier } from './merkle';

// The Certificate Transparency reference implementation's test leaves and roots (RFC 6962 hashing).
const ctLeaves = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
const ctRoots = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const rawLeafHash = (hex: string) =>
  createHash('sha256')
    .update(Buffer.concat([Buffer.from([0]), Buffer.from(hex, 'hex')]))
    .digest('hex');
const hex = (s: string) => Buffer.from(s, 'hex');
const leavesOf = (n: number) => Array.from({ length: n }, (_, i) => leafHash(`event ${i}`).toString('hex'));

describe('Merkle tree (RFC 9162 §2.1)', () => {
  it('gives the reference roots, by definition and incrementally', () => {
    const leaves = ctLeaves.map(rawLeafHash);
    let frontier: Frontier = [];
    leaves.forEach((leaf, i) => {
      frontier = appendToFrontier(frontier, i, leaf);
      expect(merkleRoot(leaves.slice(0, i + 1))).toBe(ctRoots[i]);
      expect(rootOfFrontier(frontier)).toBe(ctRoots[i]);
    });
    expect(merkleRoot([])).toBe(createHash('sha256').digest('hex'));
  });

  it('the frontier gives the same root as the whole tree for every size up to 70', () => {
    const leaves = leavesOf(70);
    let frontier: Frontier = [];
    leaves.forEach((leaf, i) => {
      frontier = appendToFrontier(frontier, i, leaf);
      expect(rootOfFrontier(frontier)).toBe(merkleRoot(leaves.slice(0, i + 1)));
    });
  });

  it('inclusion proofs verify for every leaf of every tree up to 20, and fail for a wrong leaf, index or root', () => {
    const leaves = leavesOf(20);
    for (let n = 1; n <= 20; n++) {
      const root = hex(merkleRoot(leaves.slice(0, n)));
      for (let m = 0; m < n; m++) {
        const path = inclusionPath(leaves.slice(0, n), m).map(hex);
        expect(verifyInclusion(BigInt(m), BigInt(n), hex(leaves[m]!), path, root)).toBe(true);
        expect(verifyInclusion(BigInt(m), BigInt(n), hex(leaves[(m + 1) % 20]!), path, root)).toBe(false);
        if (n > 1) expect(verifyInclusion(BigInt((m + 1) % n), BigInt(n), hex(leaves[m]!), path, root)).toBe(false);
        expect(verifyInclusion(BigInt(m), BigInt(n), hex(leaves[m]!), path, leafHash('not the root'))).toBe(false);
      }
    }
  });

  it('consistency proofs verify between every pair of sizes up to 20, and fail against another history', () => {
    const leaves = leavesOf(20);
    const forked = [...leaves];
    forked[2] = leafHash('forged').toString('hex');
    for (let n = 1; n <= 20; n++) {
      const second = hex(merkleRoot(leaves.slice(0, n)));
      for (let m = 1; m <= n; m++) {
        const first = hex(merkleRoot(leaves.slice(0, m)));
        const path = m === n ? [] : consistencyPath(leaves.slice(0, n), m).map(hex);
        expect(verifyConsistency(BigInt(m), BigInt(n), first, second, path)).toBe(true);
        if (m > 2 && m < n) {
          const forkedFirst = hex(merkleRoot(forked.slice(0, m)));
          expect(verifyConsistency(BigInt(m), BigInt(n), forkedFirst, second, path)).toBe(false);
        }
      }
    }
  });
});
