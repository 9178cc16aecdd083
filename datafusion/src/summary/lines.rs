//! Every group's lines in one flat column, 16 bytes a line, ordered by group only when the
//! groups are emitted.
//!
//! Why 16 bytes: the column is written once per line and moved once more by the counting sort
//! that orders it, both memory-bound on 10M lines. A line as `(usize group, i32 day, i128
//! minor)` took 32 bytes; here the group is a `u32` and the amount an `i64`, which holds every
//! amount of a `BIGINT` log and of any `DECIMAL(18, s)`. An amount outside it (a
//! `DECIMAL(38, s)` can hold one) is kept aside, whole, and its line holds a marker: the
//! amounts of a group keep their order, and no amount is narrowed.

/// The amount a line holds when its real amount is kept aside: `i64::MIN`, itself kept aside
/// too, so that the marker is never a real amount.
const ASIDE: i64 = i64::MIN;

/// A line of a group, its amount narrowed (or [`ASIDE`]).
#[derive(Debug, Clone, Copy)]
struct FlatLine {
    group: u32,
    day: i32,
    minor: i64,
}

/// An amount that did not fit an `i64` (or was `i64::MIN`), of a group.
#[derive(Debug, Clone, Copy)]
struct WideAmount {
    group: u32,
    minor: i128,
}

/// The lines of every group seen, in arrival order.
#[derive(Debug, Default)]
pub(crate) struct GroupLines {
    lines: Vec<FlatLine>,
    /// The amounts of the lines marked [`ASIDE`], in arrival order.
    wide: Vec<WideAmount>,
}

impl GroupLines {
    /// The most groups the column can tell apart: group numbers are `u32`.
    pub(crate) const MAX_GROUPS: usize = u32::MAX as usize + 1;

    /// Appends a line of `group`: `minor` units on `day`.
    #[inline]
    pub(crate) fn push(&mut self, group: u32, day: i32, minor: i128) {
        let minor = match i64::try_from(minor) {
            Ok(narrow) if narrow != ASIDE => narrow,
            _ => {
                self.wide.push(WideAmount { group, minor });
                ASIDE
            }
        };
        self.lines.push(FlatLine { group, day, minor });
    }

    /// Makes room for `more` lines.
    pub(crate) fn reserve(&mut self, more: usize) {
        self.lines.reserve(more);
    }

    /// The bytes held on the heap.
    pub(crate) fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        self.lines.capacity() * size_of::<FlatLine>()
            + self.wide.capacity() * size_of::<WideAmount>()
    }

    /// Takes out the lines of the groups below `emitted`, ordered by group, when `groups_left`
    /// groups stay behind; those are renumbered from 0.
    pub(crate) fn take(&mut self, emitted: usize, groups_left: usize) -> EmittedLines {
        let below = |group: u32| (group as usize) < emitted;
        let (lines, mut wide) = if groups_left == 0 {
            (
                std::mem::take(&mut self.lines),
                std::mem::take(&mut self.wide),
            )
        } else {
            // `emitted` is below a group number here, so it fits a `u32`.
            let shift = emitted as u32;
            let (taken, mut kept): (Vec<_>, Vec<_>) = std::mem::take(&mut self.lines)
                .into_iter()
                .partition(|l| below(l.group));
            kept.iter_mut().for_each(|l| l.group -= shift);
            let (taken_wide, mut kept_wide): (Vec<_>, Vec<_>) = std::mem::take(&mut self.wide)
                .into_iter()
                .partition(|w| below(w.group));
            kept_wide.iter_mut().for_each(|w| w.group -= shift);
            (self.lines, self.wide) = (kept, kept_wide);
            (taken, taken_wide)
        };
        // Stable: a group's amounts kept aside stay in the order of its markers.
        wide.sort_by_key(|w| w.group);
        let (lines, starts) = by_group(lines, emitted);
        EmittedLines {
            lines,
            starts,
            wide,
            next_wide: 0,
        }
    }
}

/// The groups of a bucket of [`by_group`]'s first pass, as a power of 2: 2,048 groups, whose
/// lines (20,000 for ten lines a customer, 320 kB) fit a core's L2 cache for the second pass.
const BUCKET_BITS: u32 = 11;

/// `lines` (each of a group below `groups`) ordered by group, stably, with the index where each
/// group's lines start (and the total at the end).
///
/// Why two passes (a radix sort on the group's high bits, then a counting sort in each bucket):
/// one counting sort wrote each line to a random place of the whole output and counted it in a
/// random counter, both far larger than a cache; it was 11% of a 10M-line `cv_summary` query
/// (`perf`). The first pass writes to one place per bucket, the second within one bucket.
fn by_group(mut lines: Vec<FlatLine>, groups: usize) -> (Vec<FlatLine>, Vec<usize>) {
    let mut starts = vec![0usize; groups + 1];
    let Some(&first) = lines.first() else {
        return (lines, starts);
    };
    let bucket_of = |line: &FlatLine| (line.group >> BUCKET_BITS) as usize;
    let buckets = (groups >> BUCKET_BITS) + 1;
    let mut bucket_starts = vec![0usize; buckets + 1];
    for line in &lines {
        bucket_starts[bucket_of(line) + 1] += 1;
    }
    for b in 0..buckets {
        bucket_starts[b + 1] += bucket_starts[b];
    }
    let mut bucketed = vec![first; lines.len()];
    let mut next = bucket_starts.clone();
    for line in &lines {
        let slot = &mut next[bucket_of(line)];
        bucketed[*slot] = *line;
        *slot += 1;
    }
    // Each bucket's lines by group, back into `lines`' memory: its groups' counters are
    // consecutive, and its lines land within the bucket's own range.
    let mut next = Vec::with_capacity(1 << BUCKET_BITS);
    for (b, range) in bucket_starts.windows(2).enumerate() {
        let own = &bucketed[range[0]..range[1]];
        let first_group = b << BUCKET_BITS;
        let end_group = ((b + 1) << BUCKET_BITS).min(groups);
        for line in own {
            starts[line.group as usize + 1] += 1;
        }
        for g in first_group..end_group {
            starts[g + 1] += starts[g];
        }
        next.clear();
        next.extend_from_slice(&starts[first_group..end_group]);
        for line in own {
            let slot = &mut next[line.group as usize - first_group];
            lines[*slot] = *line;
            *slot += 1;
        }
    }
    (lines, starts)
}

/// The lines of the emitted groups, read group after group.
#[derive(Debug)]
pub(crate) struct EmittedLines {
    lines: Vec<FlatLine>,
    starts: Vec<usize>,
    /// The amounts kept aside, ordered by group.
    wide: Vec<WideAmount>,
    /// The first amount kept aside not yet read.
    next_wide: usize,
}

impl EmittedLines {
    /// The lines (day, minor units) of `group`, in arrival order. Groups are read in ascending
    /// order, each once, to the end of its lines: the amounts kept aside are read in that order.
    pub(crate) fn group(&mut self, group: usize) -> impl Iterator<Item = (i32, i128)> + '_ {
        let own = &self.lines[self.starts[group]..self.starts[group + 1]];
        let (wide, next) = (&self.wide, &mut self.next_wide);
        own.iter().map(move |line| {
            if line.minor == ASIDE {
                *next += 1;
                (line.day, wide[*next - 1].minor)
            } else {
                (line.day, i128::from(line.minor))
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(emitted: &mut EmittedLines, groups: usize) -> Vec<Vec<(i32, i128)>> {
        (0..groups).map(|g| emitted.group(g).collect()).collect()
    }

    #[test]
    fn lines_come_out_by_group_in_arrival_order_with_wide_amounts_whole() {
        let mut lines = GroupLines::default();
        let huge = 10i128.pow(30) + 7;
        let at_min = i128::from(i64::MIN);
        for (group, day, minor) in [
            (1, 10, 5),
            (0, 11, huge),
            (1, 12, at_min),
            (0, 13, -4),
            (1, 14, -huge),
            (2, 15, i128::from(i64::MAX)),
        ] {
            lines.push(group, day, minor);
        }
        let mut emitted = lines.take(3, 0);
        assert_eq!(
            read_all(&mut emitted, 3),
            [
                vec![(11, huge), (13, -4)],
                vec![(10, 5), (12, at_min), (14, -huge)],
                vec![(15, i128::from(i64::MAX))],
            ]
        );
        assert_eq!(lines.heap_bytes(), 0);
    }

    #[test]
    fn lines_of_many_buckets_are_ordered_like_a_stable_sort() {
        let groups = 3 * (1 << BUCKET_BITS) + 5;
        let mut lines = GroupLines::default();
        let mut expected = vec![Vec::new(); groups];
        // A fixed scramble of the groups (a multiplier prime to the count), some groups empty.
        for k in 0..20_000usize {
            let group = (k * 7_919) % groups / 2 * 2;
            let day = i32::try_from(k).unwrap();
            let minor = if k % 1_000 == 0 {
                10i128.pow(20) + k as i128
            } else {
                k as i128
            };
            lines.push(u32::try_from(group).unwrap(), day, minor);
            expected[group].push((day, minor));
        }
        let mut emitted = lines.take(groups, 0);
        assert_eq!(read_all(&mut emitted, groups), expected);
    }

    #[test]
    fn taking_the_first_groups_renumbers_the_rest() {
        let mut lines = GroupLines::default();
        let huge = -(10i128.pow(25));
        for (group, day, minor) in [(2, 1, huge), (0, 2, 7), (3, 3, 8), (1, 4, huge - 1)] {
            lines.push(group, day, minor);
        }
        let mut first = lines.take(2, 2);
        assert_eq!(read_all(&mut first, 2), [vec![(2, 7)], vec![(4, huge - 1)]]);
        let mut rest = lines.take(2, 0);
        assert_eq!(read_all(&mut rest, 2), [vec![(1, huge)], vec![(3, 8)]]);
        let mut none = lines.take(0, 0);
        assert!(read_all(&mut none, 0).is_empty());
    }
}
