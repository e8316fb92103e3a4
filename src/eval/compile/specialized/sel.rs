//! The selection vector of the batched path.

use super::BATCH;

/// A selection vector over a batch of at most [`BATCH`] records.
#[derive(Clone)]
pub(super) struct Sel {
    pub(super) idx: [u32; BATCH],
    pub(super) len: usize,
    /// Every record of the batch, in order (`idx` not written yet).
    pub(super) full: bool,
}

impl Sel {
    pub(super) fn all(n: usize) -> Sel {
        Sel {
            idx: [0; BATCH],
            len: n.min(BATCH),
            full: true,
        }
    }

    pub(super) fn indices(&mut self) -> &[u32] {
        if self.full {
            for (i, slot) in self.idx.iter_mut().enumerate().take(self.len) {
                *slot = i as u32;
            }
            self.full = false;
        }
        &self.idx[..self.len]
    }

    /// Keeps the selected records for which `keep` holds, with a branch on the outcome: fewer
    /// instructions than [`Sel::retain`] when the test is mostly false.
    #[inline(always)]
    pub(super) fn retain_branchy<R>(&mut self, chunk: &[R], mut keep: impl FnMut(&R) -> bool) {
        if !self.full {
            return self.retain(chunk, keep);
        }
        const MASK: usize = BATCH - 1;
        let mut k = 0;
        let chunk = &chunk[..chunk.len().min(BATCH)];
        for (j, r) in chunk.iter().enumerate() {
            if keep(r) {
                self.idx[k & MASK] = j as u32;
                k += 1;
            }
        }
        self.full = false;
        self.len = k;
    }

    /// Keeps the selected records for which `keep` holds, without a branch on the outcome (it is
    /// data-dependent, so a branch would be mispredicted often).
    #[inline(always)]
    pub(super) fn retain<R>(&mut self, chunk: &[R], mut keep: impl FnMut(&R) -> bool) {
        const MASK: usize = BATCH - 1;
        let mut k = 0;
        if self.full {
            // k <= j < BATCH: the mask never changes the index, it only spares a bounds check.
            let chunk = &chunk[..chunk.len().min(BATCH)];
            for (j, r) in chunk.iter().enumerate() {
                self.idx[k & MASK] = j as u32;
                k += usize::from(keep(r));
            }
            self.full = false;
        } else {
            for j in 0..self.len.min(BATCH) {
                let i = self.idx[j];
                self.idx[k & MASK] = i;
                k += usize::from(chunk.get(i as usize).is_some_and(&mut keep));
            }
        }
        self.len = k;
    }
}
