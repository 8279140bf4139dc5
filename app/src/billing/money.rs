//! Money as integer minor units with a currency: parsing what people type ("12.50") without
//! floats, and formatting amounts for display. Stripe uses the same minor units.

/// A currency Gantry offers for plans, with its symbol and how many decimals its minor unit has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Currency {
    pub code: &'static str,
    pub symbol: &'static str,
    pub decimals: u32,
}

/// The currencies the plan form offers (Stripe's lowercase ISO codes).
pub const CURRENCIES: [Currency; 8] = [
    Currency {
        code: "usd",
        symbol: "$",
        decimals: 2,
    },
    Currency {
        code: "eur",
        symbol: "€",
        decimals: 2,
    },
    Currency {
        code: "gbp",
        symbol: "£",
        decimals: 2,
    },
    Currency {
        code: "chf",
        symbol: "CHF ",
        decimals: 2,
    },
    Currency {
        code: "cad",
        symbol: "CA$",
        decimals: 2,
    },
    Currency {
        code: "aud",
        symbol: "A$",
        decimals: 2,
    },
    Currency {
        code: "sek",
        symbol: "SEK ",
        decimals: 2,
    },
    Currency {
        code: "jpy",
        symbol: "¥",
        decimals: 0,
    },
];

impl Currency {
    pub fn find(code: &str) -> Option<Currency> {
        CURRENCIES.into_iter().find(|currency| currency.code == code)
    }
}

/// The largest amount a plan may cost, in minor units (Stripe's limit for most currencies).
const MAX_MINOR_UNITS: i64 = 99_999_999;

/// Parses an amount typed in major units ("12", "12.5", "1,200.00") into minor units.
pub fn parse_amount(text: &str, currency: Currency) -> Result<i64, String> {
    let cleaned: String = text.trim().chars().filter(|c| *c != ',' && *c != '_').collect();
    if cleaned.is_empty() {
        return Err("Enter an amount".into());
    }
    let (whole, fraction) = cleaned.split_once('.').unwrap_or((cleaned.as_str(), ""));
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    if !digits(whole) || (!fraction.is_empty() && !digits(fraction)) || (cleaned.ends_with('.')) {
        return Err("Write the amount as a number, like 12 or 12.50".into());
    }
    if fraction.len() > currency.decimals as usize {
        return Err(match currency.decimals {
            0 => format!(
                "{} has no minor unit: write a whole number",
                currency.code.to_uppercase()
            ),
            n => format!("At most {n} decimals"),
        });
    }
    let scale = 10_i64.pow(currency.decimals);
    let too_big = || format!("At most {}", format_money(MAX_MINOR_UNITS, currency.code));
    let whole: i64 = whole.parse().map_err(|_| too_big())?;
    let padded = format!("{fraction:0<width$}", width = currency.decimals as usize);
    let fraction: i64 = if padded.is_empty() {
        0
    } else {
        padded.parse().map_err(|_| too_big())?
    };
    let minor = whole
        .checked_mul(scale)
        .and_then(|w| w.checked_add(fraction))
        .filter(|amount| *amount <= MAX_MINOR_UNITS)
        .ok_or_else(too_big)?;
    Ok(minor)
}

/// An amount for display: "£12.50", "¥1200", or "12.50 XYZ" for a currency Gantry does not list.
pub fn format_money(amount: i64, currency: &str) -> String {
    let known = Currency::find(currency);
    let decimals = known.map_or(2, |c| c.decimals);
    let sign = if amount < 0 { "-" } else { "" };
    let number = format_units(amount.unsigned_abs(), decimals);
    match known {
        Some(c) => format!("{sign}{}{number}", c.symbol),
        None => format!("{sign}{number} {}", currency.to_uppercase()),
    }
}

/// Minor units back into what the form shows ("12.50").
pub fn minor_units_to_input(amount: i64, currency: &str) -> String {
    let decimals = Currency::find(currency).map_or(2, |c| c.decimals);
    format_units(amount.unsigned_abs(), decimals)
}

fn format_units(amount: u64, decimals: u32) -> String {
    if decimals == 0 {
        return amount.to_string();
    }
    let scale = 10_u64.pow(decimals);
    format!(
        "{}.{:0width$}",
        amount / scale,
        amount % scale,
        width = decimals as usize
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gbp() -> Currency {
        Currency::find("gbp").expect("gbp is offered")
    }

    #[test]
    fn typed_amounts_become_minor_units_exactly() {
        assert_eq!(parse_amount("12", gbp()), Ok(1200));
        assert_eq!(parse_amount("12.5", gbp()), Ok(1250));
        assert_eq!(parse_amount(" 1,200.05 ", gbp()), Ok(120_005));
        assert_eq!(parse_amount("0.07", gbp()), Ok(7));
        assert_eq!(parse_amount("1200", Currency::find("jpy").expect("jpy")), Ok(1200));
    }

    #[test]
    fn amounts_that_are_not_money_are_refused_with_a_reason() {
        assert!(parse_amount("12.345", gbp()).unwrap_err().contains("2 decimals"));
        assert!(parse_amount("12.5", Currency::find("jpy").expect("jpy"))
            .unwrap_err()
            .contains("whole number"));
        for bad in ["", "abc", "-3", "1e3", "12.", ".5", "1.2.3"] {
            assert!(parse_amount(bad, gbp()).is_err(), "{bad:?} is refused");
        }
        assert!(parse_amount("1000000", gbp()).unwrap_err().starts_with("At most"));
        assert!(parse_amount("99999999999999999999", gbp()).is_err());
    }

    #[test]
    fn amounts_display_with_their_currency() {
        assert_eq!(format_money(1250, "gbp"), "£12.50");
        assert_eq!(format_money(5, "usd"), "$0.05");
        assert_eq!(format_money(1200, "jpy"), "¥1200");
        assert_eq!(format_money(-300, "eur"), "-€3.00");
        assert_eq!(format_money(1999, "xyz"), "19.99 XYZ");
        assert_eq!(minor_units_to_input(120_005, "gbp"), "1200.05");
    }
}
