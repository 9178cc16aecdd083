//! Special functions and numerical glue that no well-kept crate provides, and the crate's one
//! rule for quantiles ([`quantile`]) and for turning money into model arithmetic ([`money`]).
//!
//! # Examples
//!
//! ```
//! use customer_value::numeric::linalg::solve_spd;
//! assert_eq!(solve_spd(&[vec![4.0]], &[8.0]), Some(vec![2.0]));
//! ```

pub(crate) mod gauss_legendre;
pub mod hyp2f1;
pub mod linalg;
pub mod money;
pub mod quantile;
