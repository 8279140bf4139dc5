//! A customer's invoices: read from Stripe when it answers, else Gantry's copy (kept current by
//! the invoice webhooks), with the reason shown.

use std::str::FromStr;

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use stripe::{CustomerId, Invoice, ListInvoices};
use uuid::Uuid;

use super::stripe_api::{describe, Stripe};
use super::{rfc3339, BillingError};
use crate::billing::types::{InvoiceView, Invoices};

#[derive(sqlx::FromRow)]
struct InvoiceRow {
    stripe_invoice_id: String,
    number: Option<String>,
    status: String,
    amount_due: i64,
    amount_paid: i64,
    currency: String,
    hosted_invoice_url: Option<String>,
    stripe_created: DateTime<Utc>,
}

/// Invoices from Stripe; Gantry's copy (kept by the invoice webhooks) when Stripe cannot answer.
pub(super) async fn for_customer(
    conn: &mut PgConnection,
    id: Uuid,
    stripe_customer: Option<&str>,
    stripe: Option<&Stripe>,
) -> Result<Invoices, BillingError> {
    let stale_because = match (stripe, stripe_customer) {
        (Some(stripe), Some(customer)) => match from_stripe(stripe, customer).await {
            Ok(items) => {
                return Ok(Invoices {
                    items,
                    stale_because: None,
                })
            }
            Err(reason) => Some(reason),
        },
        (None, Some(_)) => Some(BillingError::NotConnected.to_string()),
        (_, None) => None,
    };
    let rows: Vec<InvoiceRow> = sqlx::query_as(
        "select stripe_invoice_id, number, status, amount_due, amount_paid, currency, hosted_invoice_url, stripe_created \
         from billing_invoices where customer_id = $1 order by stripe_created desc limit 50",
    )
    .bind(id)
    .fetch_all(conn)
    .await?;
    let items = rows
        .into_iter()
        .map(|row| InvoiceView {
            id: row.stripe_invoice_id,
            number: row.number,
            status: row.status,
            amount_due: row.amount_due,
            amount_paid: row.amount_paid,
            currency: row.currency,
            hosted_url: row.hosted_invoice_url,
            created: rfc3339(row.stripe_created),
        })
        .collect();
    Ok(Invoices { items, stale_because })
}

async fn from_stripe(stripe: &Stripe, customer: &str) -> Result<Vec<InvoiceView>, String> {
    let customer = CustomerId::from_str(customer).map_err(|err| err.to_string())?;
    let mut params = ListInvoices::new();
    params.customer = Some(customer);
    params.limit = Some(50);
    let list = Invoice::list(&stripe.reader(), &params)
        .await
        .map_err(|err| format!("Stripe {}", describe(&err)))?;
    Ok(list
        .data
        .into_iter()
        .map(|invoice| InvoiceView {
            id: invoice.id.to_string(),
            number: invoice.number,
            status: invoice
                .status
                .map(|status| status.as_str().to_owned())
                .unwrap_or_else(|| "draft".into()),
            amount_due: invoice.amount_due.unwrap_or_default(),
            amount_paid: invoice.amount_paid.unwrap_or_default(),
            currency: invoice.currency.map(|c| c.to_string()).unwrap_or_default(),
            hosted_url: invoice.hosted_invoice_url,
            created: invoice
                .created
                .and_then(|at| DateTime::from_timestamp(at, 0))
                .map(rfc3339)
                .unwrap_or_default(),
        })
        .collect())
}
