//! Special functions and numerical glue that no well-kept crate provides, and the crate's one
//! rule for quantiles ([`quantile`]) and for turning money into model arithmetic ([`money`]).
//!
//! # Finite results
//!
//! No function here returns a NaN or an infinity inside `Some`: [`quantile`] and [`linalg`] give
//! `None` for non-finite inputs and for results that would overflow, [`hyp2f1`] gives `None`
//! outside its domain and where its logarithm overflows (arguments near 1e308), and
//! [`money::to_f64`] is total (every decimal is within `f64`'s range).
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
