//! Unit economics: acquisition cost, CLV:CAC and payback.

use rust_decimal::Decimal;

use super::KpiError;
use crate::numeric::money::to_f64;

/// CAC = acquisition spend / new customers.
///
/// # Errors
///
/// [`KpiError::InvalidParameter`] naming `acquisition_spend` when it is negative, or
/// `new_customers` when it is 0.
///
/// # Examples
///
/// ```
/// use customer_value::kpi::customer_acquisition_cost;
/// use rust_decimal::Decimal;
/// assert_eq!(customer_acquisition_cost(Decimal::from(12_000), 300)?, Decimal::from(40));
/// assert!(customer_acquisition_cost(Decimal::from(12_000), 0).is_err());
/// # Ok::<(), customer_value::kpi::KpiError>(())
/// ```
pub fn customer_acquisition_cost(
    acquisition_spend: Decimal, new_customers: u64,
) -> Result<Decimal, KpiError> {
    non_negative("acquisition_spend", acquisition_spend)?;
    if new_customers == 0 {
        return Err(KpiError::InvalidParameter {
            name: "new_customers",
            value: 0.0,
            constraint: "must be ≥ 1",
        });
    }
    // Dividing by a count ≥ 1 cannot overflow.
    Ok(acquisition_spend / Decimal::from(new_customers))
}

/// CLV:CAC = customer lifetime value / acquisition cost (3 is the usual target of subscription
/// businesses).
///
/// # Errors
///
/// [`KpiError::InvalidParameter`] naming `cac` when it is ≤ 0; [`KpiError::Overflow`] when the ratio exceeds the
/// decimal range.
///
/// # Examples
///
/// ```
/// use customer_value::kpi::clv_to_cac_ratio;
/// use rust_decimal::Decimal;
/// assert_eq!(clv_to_cac_ratio(Decimal::from(150), Decimal::from(40))?, Decimal::new(375, 2));
/// # Ok::<(), customer_value::kpi::KpiError>(())
/// ```
pub fn clv_to_cac_ratio(clv: Decimal, cac: Decimal) -> Result<Decimal, KpiError> {
    positive("cac", cac)?;
    clv.checked_div(cac)
        .ok_or(KpiError::Overflow { what: "CLV:CAC" })
}

/// CAC payback in months = CAC / (average monthly revenue per new customer × gross margin rate):
/// the months of gross profit a new customer needs to repay its acquisition.
///
/// # Errors
///
/// [`KpiError::InvalidParameter`] naming `cac` when it is < 0,
/// `monthly_revenue_per_new_customer` when it is ≤ 0, or `gross_margin_rate` when it is outside
/// (0, 1]; [`KpiError::Overflow`] when the result exceeds the
/// decimal range.
///
/// # Examples
///
/// ```
/// use customer_value::kpi::cac_payback_months;
/// use rust_decimal::Decimal;
/// // CAC 40, 10 a month of revenue at a 40 % margin: 4 of profit a month, 10 months.
/// let months = cac_payback_months(Decimal::from(40), Decimal::from(10), Decimal::new(40, 2))?;
/// assert_eq!(months, Decimal::from(10));
/// # Ok::<(), customer_value::kpi::KpiError>(())
/// ```
pub fn cac_payback_months(
    cac: Decimal, monthly_revenue_per_new_customer: Decimal, gross_margin_rate: Decimal,
) -> Result<Decimal, KpiError> {
    non_negative("cac", cac)?;
    positive(
        "monthly_revenue_per_new_customer",
        monthly_revenue_per_new_customer,
    )?;
    if gross_margin_rate <= Decimal::ZERO || gross_margin_rate > Decimal::ONE {
        return Err(invalid(
            "gross_margin_rate",
            gross_margin_rate,
            "must be in (0, 1]",
        ));
    }
    monthly_revenue_per_new_customer
        .checked_mul(gross_margin_rate)
        .and_then(|profit| cac.checked_div(profit))
        .ok_or(KpiError::Overflow {
            what: "CAC payback",
        })
}

/// The error naming a money argument that breaks `constraint`.
fn invalid(name: &'static str, value: Decimal, constraint: &'static str) -> KpiError {
    KpiError::InvalidParameter {
        name,
        value: to_f64(value),
        constraint,
    }
}

/// Checks a money argument is > 0.
fn positive(name: &'static str, value: Decimal) -> Result<(), KpiError> {
    if value <= Decimal::ZERO {
        return Err(invalid(name, value, "must be > 0"));
    }
    Ok(())
}

/// Checks a money argument is ≥ 0 (a zero written with a minus sign counts as 0).
fn non_negative(name: &'static str, value: Decimal) -> Result<(), KpiError> {
    if value < Decimal::ZERO {
        return Err(invalid(name, value, "must be ≥ 0"));
    }
    Ok(())
}
