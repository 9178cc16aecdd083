//! The column layout: the data transposed once per fit, so the seeding and the plain pass read
//! one coordinate of many points with contiguous loads.

use rayon::prelude::*;

use super::CHUNK;

/// The data transposed once per fit: column `c` of rows `a..b` is `values[c * n + a..c * n + b]`,
/// so the seeding and the plain pass read each coordinate of many points with contiguous loads.
pub(crate) struct Columns {
    values: Vec<f64>,
    n: usize,
    dim: usize,
}

impl Columns {
    /// Transposes `data` (n × `dim`, row-major), in parallel over fixed row chunks.
    pub(crate) fn transpose(data: &[f64], dim: usize) -> Self {
        let n = data.len() / dim.max(1);
        let mut values = vec![0.0; n * dim];
        // Each column is cut at the same row chunks, so chunk `i` of every column is written by
        // the task that reads chunk `i` of the rows.
        let mut pieces: Vec<Vec<&mut [f64]>> = (0..n.div_ceil(CHUNK)).map(|_| Vec::new()).collect();
        for column in values.chunks_mut(n.max(1)) {
            for (piece, slot) in column.chunks_mut(CHUNK).zip(pieces.iter_mut()) {
                slot.push(piece);
            }
        }
        pieces
            .par_iter_mut()
            .zip(data.par_chunks(CHUNK * dim.max(1)))
            .for_each(|(columns, rows)| {
                for (index, row) in rows.chunks_exact(dim).enumerate() {
                    for (column, &value) in columns.iter_mut().zip(row) {
                        column[index] = value;
                    }
                }
            });
        Self { values, n, dim }
    }

    /// Number of rows.
    pub(crate) fn rows(&self) -> usize {
        self.n
    }

    /// Column `column` over `rows`.
    pub(crate) fn column(&self, column: usize, rows: std::ops::Range<usize>) -> &[f64] {
        &self.values[column * self.n + rows.start..column * self.n + rows.end]
    }

    /// Row `row` as a vector.
    pub(crate) fn row(&self, row: usize) -> Vec<f64> {
        (0..self.dim)
            .map(|column| self.values[column * self.n + row])
            .collect()
    }

    /// Squared distances from rows `rows` to `centre`, written to `out` (one per row). The terms
    /// are added in column order from 0, as [`squared_distance`] does, so both give the same
    /// floats.
    pub(crate) fn squared_distances(
        &self, rows: std::ops::Range<usize>, centre: &[f64], out: &mut [f64],
    ) {
        out.fill(0.0);
        for (column, &coordinate) in centre.iter().enumerate() {
            for (sum, &x) in out.iter_mut().zip(self.column(column, rows.clone())) {
                let delta = x - coordinate;
                *sum += delta * delta;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::squared_distance;
    use super::*;

    #[test]
    fn transpose_and_distances_agree_with_rows() {
        let dim = 3;
        let n = CHUNK + 5;
        let data: Vec<f64> = (0..n * dim).map(|i| (i as f64 * 0.37).sin()).collect();
        let columns = Columns::transpose(&data, dim);
        assert_eq!(columns.rows(), n);
        let centre = [0.1, -0.2, 0.3];
        let mut out = vec![0.0; n];
        columns.squared_distances(0..n, &centre, &mut out);
        for (row, (values, distance)) in data.chunks_exact(dim).zip(&out).enumerate() {
            assert_eq!(columns.row(row), values);
            assert_eq!(*distance, squared_distance::<3>(dim, values, &centre));
        }
    }
}
