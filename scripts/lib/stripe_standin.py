#!/usr/bin/env python3
"""A local stand-in for Stripe (API version 2023-10-16), for Gantry's integration and end-to-end tests.

It speaks the subset of Stripe's API that Gantry calls (account, products, prices, customers,
Checkout Sessions, Billing Portal sessions, subscriptions, invoices) with Stripe's form encoding,
errors, ids, idempotency keys and object shapes (each object deserializes into the types of the
Rust crate async-stripe 0.41). It serves Stripe-like hosted Checkout and Billing Portal pages and
delivers the resulting events as webhooks signed with the official `stripe` library's signature
code, synchronously, before the hosted page redirects. A control API under /_standin/ (no auth,
JSON) lets tests configure delivery, sign payloads, read events and requests, redeliver events,
move subscriptions between states and inject failures. All state is in memory.

Control API (JSON in and out):
    POST /_standin/config {webhook_url, webhook_secrets: [..], deliver}    each key optional
    POST /_standin/sign {payload, secrets: [..], timestamp?}   -> {header} (a Stripe-Signature)
    GET  /_standin/events                 -> {data: [event..] oldest first, deliveries: {id: [..]}}
    POST /_standin/events/{id}/deliver    -> {status, body, error} of delivering it again now
    POST /_standin/subscriptions/{id}/status {status: past_due|active|unpaid|canceled} -> {events}
    GET  /_standin/requests               -> {data: [{method, path, params, idempotency_key, status}]}
    POST /_standin/fail {path_prefix, times, status}   the next `times` /v1 requests under the
                                          prefix fail with an api_error (times 0 clears the rule)

Run:
    python3 scripts/lib/stripe_standin.py [--port 0] [--webhook-url URL]
        [--webhook-secret whsec_... (repeatable)] [--no-deliver]

It binds 127.0.0.1 (port 0 picks a free port), prints `listening on http://127.0.0.1:<port>`
once bound and serves until SIGTERM or SIGINT. Requests are logged to stderr. It needs the
`stripe` package from PyPI (16.1.0) for the signatures; everything else is the standard library.
"""
import argparse
import base64
import calendar
import copy
import html
import http.client
import json
import re
import secrets
import signal
import string
import sys
import threading
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import stripe

API_VERSION = "2023-10-16"
BUSINESS_NAME = "Stand-in Business Ltd"
DISPLAY_NAME = "Stand-in Business"
# Form fields whose values Stripe parses as integers; everything else stays a string.
NUMERIC_PARAMS = {"unit_amount", "quantity", "trial_period_days", "interval_count", "limit"}
INTERVALS = ("day", "week", "month", "year")
CONTROL_STATUSES = ("past_due", "active", "unpaid", "canceled")
ZERO_DECIMAL = {"bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd",
                "vuv", "xaf", "xof", "xpf"}
SYMBOLS = {"gbp": "£", "usd": "$", "eur": "€"}
PERIOD_END_LABELS = {"active": "Renews", "trialing": "Trial ends"}


class ApiError(Exception):
    """A Stripe error answer. Codes must be ones async-stripe's ErrorCode enum knows."""

    def __init__(self, status, message, param=None, code=None, type_="invalid_request_error"):
        super().__init__(message)
        self.status = status
        self.error = {"type": type_, "message": message}
        if code:
            self.error["code"] = code
        if param:
            self.error["param"] = param

    def body(self):
        return {"error": self.error}


class PageError(Exception):
    """An error shown as a hosted page."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


def new_id(prefix):
    return prefix + "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(24))


def now():
    return int(time.time())


def decode_form(text):
    """Stripe's bracket notation to nested values: a[b]=1, items[0][price]=x, expand[]=y."""
    root = {}
    for key, value in urllib.parse.parse_qsl(text, keep_blank_values=True):
        parts = key.replace("]", "").split("[")
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part or str(len(node)), {})
            if not isinstance(node, dict):
                raise ApiError(400, f"Invalid value for {parts[0]}: mixes a value and an object.",
                               param=key)
        leaf = parts[-1] or str(len(node))
        name = next((p for p in reversed(parts) if p and not p.isdigit()), "")
        if "metadata" in parts[:-1]:
            node[leaf] = value
        elif value in ("true", "false"):
            node[leaf] = value == "true"
        elif name in NUMERIC_PARAMS:
            if not re.fullmatch(r"-?\d+", value):
                raise ApiError(400, f"Invalid integer: {value}", param=key,
                               code="parameter_invalid_integer")
            node[leaf] = int(value)
        else:
            node[leaf] = value
    return _listify(root, None)


def _listify(node, key):
    """Dicts keyed 0, 1, ... become lists (metadata keys stay keys)."""
    if not isinstance(node, dict):
        return node
    items = {k: _listify(v, k) for k, v in node.items()}
    if key != "metadata" and items and all(k.isdigit() for k in items):
        return [items[k] for k in sorted(items, key=int)]
    return items


def add_interval(ts, interval, count):
    """ts plus `count` days/weeks/months/years; a month later is clamped to the month's end."""
    if interval in ("day", "week"):
        return ts + count * (86400 if interval == "day" else 7 * 86400)
    start = datetime.fromtimestamp(ts, timezone.utc)
    months = start.month - 1 + count * (12 if interval == "year" else 1)
    year, month = start.year + months // 12, months % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return int(start.replace(year=year, month=month, day=day).timestamp())


def money(amount, currency):
    number = f"{amount:,}" if currency in ZERO_DECIMAL else f"{amount // 100:,}.{amount % 100:02d}"
    symbol = SYMBOLS.get(currency)
    return f"{symbol}{number}" if symbol else f"{number} {currency.upper()}"


def price_label(price):
    label = money(price["unit_amount"], price["currency"])
    recurring = price["recurring"]
    if not recurring:
        return label
    count, interval = recurring["interval_count"], recurring["interval"]
    return f"{label} / {interval}" if count == 1 else f"{label} / {count} {interval}s"


def day(ts):
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%d %b %Y")


def signature_header(payload, webhook_secrets, timestamp):
    """`Stripe-Signature`: one v1 per secret, as Stripe sends during a secret roll."""
    signed = f"{timestamp}.{payload}"
    return f"t={timestamp}" + "".join(
        f",v1={stripe.WebhookSignature._compute_signature(signed, s)}" for s in webhook_secrets)


def mask_key(key):
    return key[:3] + "*" * (len(key) - 7) + key[-4:] if len(key) >= 12 else "*" * len(key)


def require(params, name):
    value = params.get(name)
    if value is None or value == "":
        raise ApiError(400, f"Missing required param: {name}.", param=name, code="parameter_missing")
    return value


def merge_metadata(current, update):
    """Stripe's metadata update: keys merge, an empty value unsets a key, `metadata=` unsets all."""
    if update == "":
        return {}
    if not isinstance(update, dict):
        raise ApiError(400, "Invalid object", param="metadata")
    merged = dict(current)
    for key, value in update.items():
        if value == "":
            merged.pop(key, None)
        else:
            merged[key] = str(value)
    return merged


def set_fields(obj, params, names):
    """Copies the given optional string/bool fields from params; an empty string clears a field."""
    for name in names:
        if name in params:
            obj[name] = None if params[name] == "" else params[name]
    if "metadata" in params:
        obj["metadata"] = merge_metadata(obj["metadata"], params["metadata"])


def route_table(entries):
    return [(method, re.compile(pattern.replace("{id}", "([^/]+)")), handler)
            for method, pattern, handler in entries]


def match_route(table, method, path):
    for route_method, pattern, handler in table:
        found = pattern.fullmatch(path)
        if found and route_method == method:
            return handler, found.groups()
    return None, ()


class StandIn:
    """The in-memory Stripe account. One lock guards all state; webhooks go out without it held,
    so Gantry can call back into the API while it handles a delivery."""

    def __init__(self, base_url, webhook_url, webhook_secrets, deliver):
        self.base_url = base_url
        self.webhook_url = webhook_url
        self.webhook_secrets = list(webhook_secrets)
        self.deliver = deliver
        self.lock = threading.RLock()
        self.objects = {}  # id -> object, in creation order (ids are unique across kinds)
        self.checkout_items = {}  # Checkout Session id -> what paying it subscribes to
        self.events, self.payloads, self.deliveries = [], {}, {}
        self.requests, self.idempotent = [], {}
        self.failures = {}  # path prefix -> {"times": left, "status": code}
        self.portal_configuration = new_id("bpc_")
        created = now()
        self.account = {
            "id": new_id("acct_"), "object": "account",
            "business_profile": {"mcc": None, "name": BUSINESS_NAME, "product_description": None,
                                 "support_address": None, "support_email": None,
                                 "support_phone": None, "support_url": None, "url": None},
            "business_type": "company",
            "capabilities": {"card_payments": "active", "transfers": "active"},
            "charges_enabled": True, "country": "GB", "created": created,
            "default_currency": "gbp", "details_submitted": True,
            "email": "billing@standin.example", "metadata": {}, "payouts_enabled": True,
            "settings": {
                "branding": {"icon": None, "logo": None, "primary_color": None,
                             "secondary_color": None},
                "card_payments": {"decline_on": {"avs_failure": False, "cvc_failure": False},
                                  "statement_descriptor_prefix": None},
                "dashboard": {"display_name": DISPLAY_NAME, "timezone": "Europe/London"},
                "payments": {"statement_descriptor": "STANDIN"},
            },
            "tos_acceptance": {"date": created},
            "type": "standard",
        }
        self.api_routes = route_table([
            ("GET", "/v1/account", lambda p: self.account),
            ("POST", "/v1/products", self.create_product),
            ("GET", "/v1/products/{id}", lambda p, oid: self.get("product", oid)),
            ("POST", "/v1/products/{id}", self.update_product),
            ("POST", "/v1/prices", self.create_price),
            ("GET", "/v1/prices/{id}", lambda p, oid: self.get("price", oid)),
            ("POST", "/v1/prices/{id}", self.update_price),
            ("POST", "/v1/customers", self.create_customer),
            ("GET", "/v1/customers/{id}", lambda p, oid: self.get("customer", oid)),
            ("POST", "/v1/customers/{id}", self.update_customer),
            ("POST", "/v1/checkout/sessions", self.create_checkout_session),
            ("GET", "/v1/checkout/sessions/{id}", lambda p, oid: self.get("checkout.session", oid)),
            ("POST", "/v1/billing_portal/sessions", self.create_portal_session),
            ("GET", "/v1/subscriptions", self.list_subscriptions),
            ("GET", "/v1/subscriptions/{id}", lambda p, oid: self.get("subscription", oid)),
            ("GET", "/v1/invoices", self.list_invoices),
            ("GET", "/v1/invoices/{id}", lambda p, oid: self.get("invoice", oid)),
        ])
        self.control_routes = route_table([
            ("POST", "/_standin/config", self.configure),
            ("POST", "/_standin/sign", self.sign),
            ("GET", "/_standin/events", self.list_events),
            ("POST", "/_standin/events/{id}/deliver", self.redeliver),
            ("POST", "/_standin/subscriptions/{id}/status", self.set_subscription_status),
            ("GET", "/_standin/requests", self.list_requests),
            ("POST", "/_standin/fail", self.inject_failure),
        ])
        self.page_routes = route_table([
            ("GET", "/checkout/{id}", self.checkout_page),
            ("POST", "/checkout/{id}/pay", self.pay),
            ("GET", "/billing_portal/{id}", self.portal_page),
            ("POST", "/billing_portal/{id}/cancel", self.portal_cancel),
            ("GET", "/invoice/{id}", self.invoice_page),
        ])

    # ---- the /v1 API -------------------------------------------------------------------------

    def api(self, method, path, query, body, headers):
        """Answers one /v1 request: (status, body object, extra response headers)."""
        key = headers.get("Idempotency-Key") if method == "POST" else None
        extra = {"Request-Id": new_id("req_"), "Stripe-Version": API_VERSION}
        if key is not None:
            extra["Idempotency-Key"] = key
        with self.lock:
            record = {"method": method, "path": path, "params": {}, "idempotency_key": key}
            self.requests.append(record)
            try:
                self.authenticate(headers.get("Authorization") or "")
                record["params"] = params = decode_form("&".join(filter(None, (query, body))))
                self.take_injected_failure(path)
                status, obj, replayed = self.run(method, path, params, key)
                if replayed:
                    extra["Idempotent-Replayed"] = "true"
            except ApiError as error:
                status, obj = error.status, error.body()
            record["status"] = status
            return status, obj, extra

    def authenticate(self, header):
        if not header:
            raise ApiError(401, "You did not provide an API key. You need to provide your API key "
                                "in the Authorization header, using Bearer auth (e.g. "
                                "'Authorization: Bearer YOUR_SECRET_KEY').")
        scheme, _, credential = header.partition(" ")
        if scheme.lower() == "basic":
            try:
                credential = base64.b64decode(credential).decode().partition(":")[0]
            except (ValueError, UnicodeDecodeError):
                credential = ""
        elif scheme.lower() != "bearer":
            credential = ""
        if not credential.startswith("sk_test_"):
            raise ApiError(401, f"Invalid API Key provided: {mask_key(credential)}")

    def take_injected_failure(self, path):
        for prefix, failure in self.failures.items():
            if failure["times"] > 0 and path.startswith(prefix):
                failure["times"] -= 1
                raise ApiError(failure["status"], "An error occurred with our connection to "
                               "Stripe. (injected by the stand-in)", type_="api_error")

    def run(self, method, path, params, key):
        """Dispatches, honouring Idempotency-Key: a key's first successful answer is replayed."""
        if key is not None and key in self.idempotent:
            first = self.idempotent[key]
            if (first["path"], first["params"]) != (path, params):
                raise ApiError(400, "Keys for idempotent requests can only be used with the same "
                                    "parameters they were first used with. Try using a key other "
                                    f"than '{key}' if you meant to execute a different request.",
                               type_="idempotency_error")
            return first["status"], first["body"], True
        handler, ids = match_route(self.api_routes, method, path)
        if handler is None:
            raise ApiError(404, f"Unrecognized request URL ({method}: {path}). Please see "
                                "https://stripe.com/docs or we can help at https://support.stripe.com/.")
        expand = params.get("expand") or []
        if not isinstance(expand, list):
            raise ApiError(400, "Invalid array", param="expand")
        obj = self.expand(handler(params, *ids), expand)
        if key is not None:
            self.idempotent[key] = {"path": path, "params": params, "status": 200, "body": obj}
        return 200, obj, False

    def expand(self, obj, paths):
        """A copy of obj with the ids at the dotted `expand[]` paths replaced by their objects."""
        obj = copy.deepcopy(obj)
        for path in paths:
            self._expand_path(obj, path.split("."))
        return obj

    def _expand_path(self, node, parts):
        if isinstance(node, list):
            for item in node:
                self._expand_path(item, parts)
            return
        if not isinstance(node, dict) or not parts:
            return
        value = node.get(parts[0])
        if isinstance(value, str) and value in self.objects:
            value = node[parts[0]] = copy.deepcopy(self.objects[value])
        self._expand_path(value, parts[1:])

    def get(self, kind, oid, param="id", status=404):
        obj = self.objects.get(oid)
        if obj is None or obj["object"] != kind:
            raise ApiError(status, f"No such {kind}: '{oid}'", param=param, code="resource_missing")
        return obj

    def create_product(self, params):
        created = now()
        product = {
            "id": new_id("prod_"), "object": "product", "active": True, "created": created,
            "default_price": None, "description": None, "features": [], "images": [],
            "livemode": False, "metadata": {}, "name": require(params, "name"),
            "package_dimensions": None, "shippable": None, "statement_descriptor": None,
            "tax_code": None, "type": "service", "unit_label": None, "updated": created, "url": None,
        }
        set_fields(product, params, ("description", "active"))
        self.objects[product["id"]] = product
        return product

    def update_product(self, params, oid):
        product = self.get("product", oid)
        set_fields(product, params, ("name", "description", "active"))
        product["updated"] = now()
        return product

    def create_price(self, params):
        product = self.get("product", require(params, "product"), param="product", status=400)
        currency = require(params, "currency").lower()
        if not re.fullmatch(r"[a-z]{3}", currency):
            raise ApiError(400, f"Invalid currency: {currency}.", param="currency")
        unit_amount = require(params, "unit_amount")
        if not isinstance(unit_amount, int) or unit_amount < 0:
            raise ApiError(400, "Invalid non-negative integer", param="unit_amount")
        recurring = params.get("recurring")
        if recurring is not None:
            if not isinstance(recurring, dict) or recurring.get("interval") not in INTERVALS:
                raise ApiError(400, "Invalid recurring[interval]: must be one of day, month, week, "
                                    "or year", param="recurring[interval]")
            count = recurring.get("interval_count", 1)
            if not isinstance(count, int) or count < 1:
                raise ApiError(400, "Invalid positive integer", param="recurring[interval_count]")
            recurring = {"aggregate_usage": None, "interval": recurring["interval"],
                         "interval_count": count, "trial_period_days": None,
                         "usage_type": "licensed"}
        price = {
            "id": new_id("price_"), "object": "price", "active": True,
            "billing_scheme": "per_unit", "created": now(), "currency": currency,
            "custom_unit_amount": None, "livemode": False, "lookup_key": None, "metadata": {},
            "nickname": None, "product": product["id"], "recurring": recurring,
            "tax_behavior": "unspecified", "tiers_mode": None, "transform_quantity": None,
            "type": "recurring" if recurring else "one_time", "unit_amount": unit_amount,
            "unit_amount_decimal": str(unit_amount),
        }
        set_fields(price, params, ("nickname", "active"))
        self.objects[price["id"]] = price
        return price

    def update_price(self, params, oid):
        price = self.get("price", oid)
        # Prices are immutable: Stripe rejects amount, currency, recurring... as unknown parameters.
        for name in params:
            if name not in ("active", "nickname", "metadata", "lookup_key", "expand"):
                raise ApiError(400, f"Received unknown parameter: {name}", param=name,
                               code="parameter_unknown")
        set_fields(price, params, ("active", "nickname", "lookup_key"))
        return price

    def create_customer(self, params):
        customer = {
            "id": new_id("cus_"), "object": "customer", "address": None, "balance": 0,
            "created": now(), "currency": None, "default_source": None, "delinquent": False,
            "description": None, "discount": None, "email": None,
            "invoice_prefix": "".join(secrets.choice(string.ascii_uppercase + string.digits)
                                      for _ in range(8)),
            "invoice_settings": {"custom_fields": None, "default_payment_method": None,
                                 "footer": None, "rendering_options": None},
            "livemode": False, "metadata": {}, "name": None, "next_invoice_sequence": 1,
            "phone": None, "preferred_locales": [], "shipping": None, "tax_exempt": "none",
            "test_clock": None,
        }
        set_fields(customer, params, ("name", "email", "description", "phone"))
        self.objects[customer["id"]] = customer
        return customer

    def update_customer(self, params, oid):
        customer = self.get("customer", oid)
        set_fields(customer, params, ("name", "email", "description", "phone"))
        return customer

    def create_checkout_session(self, params):
        if require(params, "mode") != "subscription":
            raise ApiError(400, "The Stripe stand-in supports only mode=subscription.", param="mode")
        items = params.get("line_items")
        if not isinstance(items, list) or not items:
            raise ApiError(400, "Missing required param: line_items.", param="line_items",
                           code="parameter_missing")
        if len(items) != 1:
            raise ApiError(400, "The Stripe stand-in supports exactly one line item.",
                           param="line_items")
        price = self.get("price", require(items[0], "price"), param="line_items[0][price]",
                         status=400)
        if not price["active"]:
            raise ApiError(400, "The price specified is inactive. This field only accepts active "
                                "prices.", param="line_items[0][price]")
        if price["type"] != "recurring":
            raise ApiError(400, "You must provide at least one recurring price in `subscription` "
                                "mode when using prices.", param="line_items[0][price]")
        quantity = items[0].get("quantity", 1)
        if not isinstance(quantity, int) or quantity < 1:
            raise ApiError(400, "Invalid positive integer", param="line_items[0][quantity]")
        customer = params.get("customer") or None
        if customer:
            self.get("customer", customer, param="customer", status=400)
        success_url = require(params, "success_url")
        subscription_data = params.get("subscription_data") or {}
        trial_days = subscription_data.get("trial_period_days")
        if trial_days is not None and (not isinstance(trial_days, int) or trial_days < 1):
            raise ApiError(400, "Invalid positive integer",
                           param="subscription_data[trial_period_days]")
        amount = 0 if trial_days else price["unit_amount"] * quantity
        created = now()
        session = {
            "id": new_id("cs_test_"), "object": "checkout.session", "after_expiration": None,
            "allow_promotion_codes": params.get("allow_promotion_codes"),
            "amount_subtotal": amount, "amount_total": amount,
            "automatic_tax": {"enabled": False, "liability": None, "status": None},
            "billing_address_collection": None, "cancel_url": params.get("cancel_url"),
            "client_reference_id": params.get("client_reference_id"), "client_secret": None,
            "consent": None, "consent_collection": None, "created": created,
            "currency": price["currency"], "currency_conversion": None, "custom_fields": [],
            "custom_text": {"after_submit": None, "shipping_address": None, "submit": None,
                            "terms_of_service_acceptance": None},
            "customer": customer, "customer_creation": None,
            "customer_details": None, "customer_email": params.get("customer_email"),
            "expires_at": created + 24 * 3600, "invoice": None, "invoice_creation": None,
            "livemode": False, "locale": None,
            "metadata": merge_metadata({}, params.get("metadata", {})), "mode": "subscription",
            "payment_intent": None, "payment_link": None,
            "payment_method_collection": "always", "payment_method_configuration_details": None,
            "payment_method_options": {}, "payment_method_types": ["card"],
            "payment_status": "unpaid", "phone_number_collection": {"enabled": False},
            "recovered_from": None, "setup_intent": None, "shipping_address_collection": None,
            "shipping_cost": None, "shipping_details": None, "shipping_options": [],
            "status": "open", "submit_type": None, "subscription": None,
            "success_url": success_url, "total_details": {"amount_discount": 0,
                                                          "amount_shipping": 0, "amount_tax": 0},
            "ui_mode": "hosted",
        }
        session["url"] = f"{self.base_url}/checkout/{session['id']}"
        self.objects[session["id"]] = session
        self.checkout_items[session["id"]] = {
            "price": price["id"], "quantity": quantity, "trial_period_days": trial_days,
            "metadata": merge_metadata({}, subscription_data.get("metadata", {})),
            "description": subscription_data.get("description"),
        }
        return session

    def create_portal_session(self, params):
        customer = self.get("customer", require(params, "customer"), param="customer", status=400)
        session = {
            "id": new_id("bps_"), "object": "billing_portal.session",
            "configuration": self.portal_configuration, "created": now(),
            "customer": customer["id"], "flow": None, "livemode": False, "locale": None,
            "on_behalf_of": None, "return_url": params.get("return_url"),
        }
        session["url"] = f"{self.base_url}/billing_portal/{session['id']}"
        self.objects[session["id"]] = session
        return session

    def list_invoices(self, params):
        invoices = [o for o in reversed(self.objects.values()) if o["object"] == "invoice"
                    and all(o[f] == params[f] for f in ("customer", "subscription", "status")
                            if f in params)]
        limit = params.get("limit", 10)
        if not isinstance(limit, int) or not 1 <= limit <= 100:
            raise ApiError(400, "Invalid integer: limit must be between 1 and 100", param="limit")
        return {"object": "list", "data": invoices[:limit], "has_more": len(invoices) > limit,
                "url": "/v1/invoices"}

    def list_subscriptions(self, params):
        """Like Stripe: canceled subscriptions only with status=all (or status=canceled)."""
        wanted = params.get("status")
        subscriptions = [o for o in reversed(self.objects.values()) if o["object"] == "subscription"
                         and ("customer" not in params or o["customer"] == params["customer"])
                         and (wanted == "all" or o["status"] == wanted
                              or (wanted is None and o["status"] != "canceled"))]
        limit = params.get("limit", 10)
        if not isinstance(limit, int) or not 1 <= limit <= 100:
            raise ApiError(400, "Invalid integer: limit must be between 1 and 100", param="limit")
        return {"object": "list", "data": subscriptions[:limit], "has_more": len(subscriptions) > limit,
                "url": "/v1/subscriptions"}

    # ---- subscriptions, invoices, events -----------------------------------------------------

    def new_subscription(self, customer_id, checkout, created):
        price = self.objects[checkout["price"]]
        subscription_id = new_id("sub_")
        trial_days = checkout["trial_period_days"]
        trial_end = created + trial_days * 86400 if trial_days else None
        recurring = price["recurring"]
        period_end = trial_end or add_interval(created, recurring["interval"],
                                               recurring["interval_count"])
        item = {
            "id": new_id("si_"), "object": "subscription_item", "billing_thresholds": None,
            "created": created, "metadata": {}, "plan": plan_of(price),
            "price": copy.deepcopy(price), "quantity": checkout["quantity"],
            "subscription": subscription_id, "tax_rates": [],
        }
        subscription = {
            "id": subscription_id, "object": "subscription", "application": None,
            "application_fee_percent": None, "automatic_tax": {"enabled": False, "liability": None},
            "billing_cycle_anchor": trial_end or created, "billing_cycle_anchor_config": None,
            "billing_thresholds": None, "cancel_at": None, "cancel_at_period_end": False,
            "canceled_at": None,
            "cancellation_details": {"comment": None, "feedback": None, "reason": None},
            "collection_method": "charge_automatically", "created": created,
            "currency": price["currency"], "current_period_end": period_end,
            "current_period_start": created, "customer": customer_id, "days_until_due": None,
            "default_payment_method": None, "default_source": None, "default_tax_rates": [],
            "description": checkout["description"], "discount": None, "ended_at": None,
            "items": {"object": "list", "data": [item], "has_more": False, "total_count": 1,
                      "url": f"/v1/subscription_items?subscription={subscription_id}"},
            "latest_invoice": None, "livemode": False, "metadata": dict(checkout["metadata"]),
            "next_pending_invoice_item_invoice": None, "on_behalf_of": None,
            "pause_collection": None,
            "payment_settings": {"payment_method_options": None, "payment_method_types": None,
                                 "save_default_payment_method": "off"},
            "pending_invoice_item_interval": None, "pending_setup_intent": None,
            "pending_update": None, "schedule": None, "start_date": created,
            "status": "trialing" if trial_days else "active", "test_clock": None,
            "transfer_data": None, "trial_end": trial_end,
            "trial_settings": {"end_behavior": {"missing_payment_method": "create_invoice"}},
            "trial_start": created if trial_days else None,
        }
        self.objects[subscription_id] = subscription
        return subscription

    def new_invoice(self, subscription, billing_reason, amount, paid, period, created):
        """An invoice for the subscription's item; `period` is the invoice's (start, end)."""
        customer = self.objects[subscription["customer"]]
        item = subscription["items"]["data"][0]
        price = item["price"]
        product = self.objects[price["product"]]
        invoice_id = new_id("in_")
        if amount == 0 and subscription["trial_end"]:
            description = f"Trial period for {product['name']}"
        else:
            description = f"{item['quantity']} × {product['name']} (at {price_label(price)})"
        line = {
            "id": new_id("il_"), "object": "line_item", "amount": amount,
            "amount_excluding_tax": amount, "currency": price["currency"],
            "description": description, "discount_amounts": [], "discountable": True,
            "discounts": [], "invoice_item": None, "livemode": False, "metadata": {},
            "period": {"start": subscription["current_period_start"],
                       "end": subscription["current_period_end"]},
            "plan": copy.deepcopy(item["plan"]), "price": copy.deepcopy(price), "proration": False,
            "proration_details": {"credited_items": None}, "quantity": item["quantity"],
            "subscription": subscription["id"], "subscription_item": item["id"],
            "tax_amounts": [], "tax_rates": [], "type": "subscription",
            "unit_amount_excluding_tax": str(price["unit_amount"]),
        }
        invoice = {
            "id": invoice_id, "object": "invoice", "account_country": self.account["country"],
            "account_name": BUSINESS_NAME, "account_tax_ids": None, "amount_due": amount,
            "amount_paid": 0, "amount_remaining": amount, "amount_shipping": 0,
            "application": None, "application_fee_amount": None,
            "attempt_count": 1 if amount else 0, "attempted": True, "auto_advance": not paid,
            "automatic_tax": {"enabled": False, "liability": None, "status": None},
            "billing_reason": billing_reason, "charge": None,
            "collection_method": "charge_automatically", "created": created,
            "currency": price["currency"], "custom_fields": None, "customer": customer["id"],
            "customer_address": None, "customer_email": customer["email"],
            "customer_name": customer["name"], "customer_phone": None, "customer_shipping": None,
            "customer_tax_exempt": "none", "customer_tax_ids": [], "default_payment_method": None,
            "default_source": None, "default_tax_rates": [], "description": None,
            "discount": None, "discounts": [], "due_date": None, "effective_at": created,
            "ending_balance": 0, "footer": None, "from_invoice": None,
            "hosted_invoice_url": f"{self.base_url}/invoice/{invoice_id}", "invoice_pdf": None,
            "issuer": {"type": "self"}, "last_finalization_error": None, "latest_revision": None,
            "lines": {"object": "list", "data": [line], "has_more": False, "total_count": 1,
                      "url": f"/v1/invoices/{invoice_id}/lines"},
            "livemode": False, "metadata": {},
            "next_payment_attempt": None if paid else created + 3 * 86400,
            "number": f"{customer['invoice_prefix']}-{customer['next_invoice_sequence']:04d}",
            "on_behalf_of": None, "paid": False, "paid_out_of_band": False,
            "payment_intent": None,
            "payment_settings": {"default_mandate": None, "payment_method_options": None,
                                 "payment_method_types": None},
            "period_end": period[1], "period_start": period[0],
            "post_payment_credit_notes_amount": 0, "pre_payment_credit_notes_amount": 0,
            "quote": None, "receipt_number": None, "rendering_options": None,
            "shipping_cost": None, "shipping_details": None, "starting_balance": 0,
            "statement_descriptor": None, "status": "open",
            "status_transitions": {"finalized_at": created, "marked_uncollectible_at": None,
                                   "paid_at": None, "voided_at": None},
            "subscription": subscription["id"],
            "subscription_details": {"metadata": dict(subscription["metadata"])},
            "subscription_proration_date": None, "subtotal": amount,
            "subtotal_excluding_tax": amount, "tax": None, "test_clock": None, "total": amount,
            "total_discount_amounts": [], "total_excluding_tax": amount, "total_tax_amounts": [],
            "transfer_data": None, "webhooks_delivered_at": created,
        }
        customer["next_invoice_sequence"] += 1
        customer["currency"] = price["currency"]
        if paid:
            mark_paid(invoice, created)
        self.objects[invoice_id] = invoice
        subscription["latest_invoice"] = invoice_id
        return invoice

    def cancel_subscription(self, subscription, reason, when):
        subscription.update(status="canceled", canceled_at=when, ended_at=when)
        subscription["cancellation_details"]["reason"] = reason

    def emit(self, type_, obj, previous_attributes=None):
        """Stores an event holding a copy of obj as it is now; returns its id."""
        data = {"object": copy.deepcopy(obj)}
        if previous_attributes is not None:
            data["previous_attributes"] = previous_attributes
        event = {
            "id": new_id("evt_"), "object": "event", "api_version": API_VERSION,
            "created": now(), "data": data, "livemode": False, "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None}, "type": type_,
        }
        self.events.append(event)
        self.payloads[event["id"]] = json.dumps(event, indent=2, ensure_ascii=False)
        self.deliveries[event["id"]] = []
        return event["id"]

    def deliver_new(self, event_ids):
        """Delivers new events in order unless delivery is off. Call it without the lock held."""
        with self.lock:
            enabled = self.deliver and self.webhook_url
        if enabled:
            for event_id in event_ids:
                self.send(event_id)

    def send(self, event_id):
        """POSTs a stored event to the webhook URL, signed now; returns its delivery record."""
        with self.lock:
            url, webhook_secrets = self.webhook_url, list(self.webhook_secrets)
            payload = self.payloads[event_id]
        timestamp = now()
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
            "Stripe-Signature": signature_header(payload, webhook_secrets, timestamp),
        }
        error = None
        try:
            request = urllib.request.Request(url, payload.encode("utf-8"), headers, method="POST")
            with WEBHOOK_OPENER.open(request, timeout=10) as response:
                status, body = response.status, response.read()
        except urllib.error.HTTPError as failure:
            status, body = failure.code, failure.read()
        except (OSError, ValueError, http.client.HTTPException) as failure:  # bad URL, refused, timeout
            status, body, error = None, b"", str(failure)
        delivery = {"url": url, "timestamp": timestamp, "status": status, "error": error,
                    "body": body.decode("utf-8", "replace")}
        with self.lock:
            self.deliveries[event_id].append(delivery)
        return delivery

    # ---- hosted pages ------------------------------------------------------------------------

    def page_object(self, kind, oid):
        obj = self.objects.get(oid)
        if obj is None or obj["object"] != kind:
            raise PageError(404, f"No such {kind}: {oid}")
        return obj

    def checkout_page(self, query, session_id):
        with self.lock:
            session = self.page_object("checkout.session", session_id)
            checkout = self.checkout_items[session_id]
            price = self.objects[checkout["price"]]
            product = self.objects[price["product"]]
            customer = self.objects.get(session["customer"] or "")
            email = customer["email"] if customer else session["customer_email"]
            trial_days = checkout["trial_period_days"]
            rows = [
                f'<p class="muted">{esc(DISPLAY_NAME)}</p>',
                f'<h2 data-testid="standin-product">{esc(product["name"])}</h2>',
                f'<p class="amount" data-testid="standin-amount">{esc(price_label(price))}</p>',
            ]
            if checkout["quantity"] != 1:
                rows.append(f'<p>Quantity: {checkout["quantity"]}</p>')
            if trial_days:
                rows.append(f'<p data-testid="standin-trial">{trial_days}-day free trial, '
                            f'then {esc(price_label(price))}</p>')
            rows.append(f'<p>Email: <span data-testid="standin-email">{esc(email or "")}</span></p>')
            if session["status"] == "open":
                rows.append(f'<form method="post" action="/checkout/{esc(session_id)}/pay">'
                            '<button type="submit" data-testid="standin-pay">Pay and subscribe'
                            '</button></form>')
            else:
                rows.append('<p data-testid="standin-complete">This Checkout Session is complete.</p>')
            if session["cancel_url"]:
                cancel = session["cancel_url"].replace("{CHECKOUT_SESSION_ID}", session_id)
                rows.append(f'<p><a href="{esc(cancel)}" data-testid="standin-cancel">Cancel</a></p>')
        return 200, render_page("Stand-in Checkout", "\n".join(rows), "standin-checkout")

    def pay(self, query, session_id):
        """Completes a Checkout Session: subscription, first invoice, events, then the redirect."""
        with self.lock:
            session = self.page_object("checkout.session", session_id)
            if session["status"] != "open":
                raise PageError(400, "This Checkout Session is already complete.")
            checkout = self.checkout_items[session_id]
            created = now()
            customer_id = session["customer"] or self.create_customer(
                {"email": session["customer_email"] or ""})["id"]
            customer = self.objects[customer_id]
            subscription = self.new_subscription(customer_id, checkout, created)
            trial = bool(checkout["trial_period_days"])
            price = self.objects[checkout["price"]]
            amount = 0 if trial else price["unit_amount"] * checkout["quantity"]
            invoice = self.new_invoice(subscription, "subscription_create", amount, True,
                                       (created, created), created)
            session.update(status="complete", customer=customer_id, subscription=subscription["id"],
                           payment_status="no_payment_required" if trial else "paid")
            session["customer_details"] = {"address": None, "email": customer["email"],
                                           "name": customer["name"], "phone": None,
                                           "tax_exempt": "none", "tax_ids": []}
            events = [self.emit("checkout.session.completed", session),
                      self.emit("customer.subscription.created", subscription),
                      self.emit("invoice.paid", invoice)]
            redirect = session["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id)
        self.deliver_new(events)
        return 303, redirect

    def portal_page(self, query, session_id):
        with self.lock:
            session = self.page_object("billing_portal.session", session_id)
            subscriptions = [o for o in self.objects.values() if o["object"] == "subscription"
                             and o["customer"] == session["customer"]]
            rows = []
            for subscription in subscriptions:
                price = subscription["items"]["data"][0]["price"]
                product = self.objects[price["product"]]
                live = subscription["status"] not in ("canceled", "incomplete_expired")
                if live:
                    ends = PERIOD_END_LABELS.get(subscription["status"], "Period ends")
                    when = subscription["current_period_end"]
                else:
                    ends, when = "Ended", subscription["ended_at"]
                action = (f'<form method="post" action="/billing_portal/{esc(session_id)}/cancel?'
                          f'subscription={esc(subscription["id"])}"><button type="submit" '
                          'data-testid="standin-portal-cancel">Cancel subscription</button></form>'
                          if live else "")
                rows.append(
                    f'<tr data-testid="standin-portal-subscription" data-subscription-id='
                    f'"{esc(subscription["id"])}"><td>{esc(product["name"])}<br>'
                    f'<span class="muted">{esc(price_label(price))}</span></td>'
                    f'<td data-testid="standin-portal-status">{esc(subscription["status"])}</td>'
                    f'<td>{ends} {day(when)}</td><td>{action}</td></tr>')
            table = ("<table>" + "".join(rows) + "</table>" if rows
                     else '<p class="muted">No subscriptions.</p>')
            back = ""
            if session["return_url"]:
                back = (f'<p><a href="{esc(session["return_url"])}" data-testid="standin-portal-return">'
                        f'Return to {esc(DISPLAY_NAME)}</a></p>')
            customer = self.objects[session["customer"]]
            body = (f'<p class="muted">{esc(DISPLAY_NAME)} · {esc(customer["email"] or "")}</p>'
                    f"<h2>Subscriptions</h2>{table}{back}")
        return 200, render_page("Stand-in Billing Portal", body, "standin-portal")

    def portal_cancel(self, query, session_id):
        with self.lock:
            session = self.page_object("billing_portal.session", session_id)
            subscription_id = urllib.parse.parse_qs(query).get("subscription", [""])[0]
            subscription = self.page_object("subscription", subscription_id)
            if subscription["customer"] != session["customer"]:
                raise PageError(404, f"No such subscription: {subscription_id}")
            if subscription["status"] == "canceled":
                raise PageError(400, "This subscription is already canceled.")
            self.cancel_subscription(subscription, "cancellation_requested", now())
            events = [self.emit("customer.subscription.deleted", subscription)]
        self.deliver_new(events)
        return 303, f"/billing_portal/{session_id}"

    def invoice_page(self, query, invoice_id):
        with self.lock:
            invoice = self.page_object("invoice", invoice_id)
            body = (f'<p class="muted">{esc(BUSINESS_NAME)}</p>'
                    f'<h2>Invoice {esc(invoice["number"])}</h2>'
                    f'<p class="amount">{esc(money(invoice["amount_due"], invoice["currency"]))}</p>'
                    f'<p data-testid="standin-invoice-status">Status: {esc(invoice["status"])}</p>'
                    f'<p>{esc(invoice["lines"]["data"][0]["description"])}</p>')
        return 200, render_page("Stand-in Invoice", body, "standin-invoice")

    # ---- the control API ---------------------------------------------------------------------

    def configure(self, data):
        with self.lock:
            if "webhook_url" in data:
                self.webhook_url = data["webhook_url"] or None
            if "webhook_secrets" in data:
                self.webhook_secrets = [str(s) for s in data["webhook_secrets"] or []]
            if "deliver" in data:
                self.deliver = bool(data["deliver"])
        return {"ok": True}

    def sign(self, data):
        payload, webhook_secrets = data.get("payload"), data.get("secrets")
        if not isinstance(payload, str) or not isinstance(webhook_secrets, list):
            raise ApiError(400, "sign needs {payload: string, secrets: [string]}")
        timestamp = data.get("timestamp")
        return {"header": signature_header(payload, webhook_secrets,
                                           now() if timestamp is None else int(timestamp))}

    def list_events(self, data):
        with self.lock:
            return {"data": list(self.events),
                    "deliveries": {k: list(v) for k, v in self.deliveries.items()}}

    def list_requests(self, data):
        with self.lock:
            return {"data": list(self.requests)}

    def redeliver(self, data, event_id):
        with self.lock:
            if event_id not in self.payloads:
                raise ApiError(404, f"No such event: '{event_id}'", param="id", code="resource_missing")
            if not self.webhook_url:
                raise ApiError(400, "No webhook_url is configured.")
        delivery = self.send(event_id)
        return {"status": delivery["status"], "body": delivery["body"], "error": delivery["error"]}

    def set_subscription_status(self, data, subscription_id):
        status = data.get("status")
        if status not in CONTROL_STATUSES:
            raise ApiError(400, f"status must be one of {', '.join(CONTROL_STATUSES)}", param="status")
        with self.lock:
            subscription = self.get("subscription", subscription_id)
            old_status, old_invoice = subscription["status"], subscription["latest_invoice"]
            if old_status == "canceled":
                raise ApiError(400, "A canceled subscription can no longer be changed.")
            changed = now()
            events = []
            if status == "past_due":
                price = subscription["items"]["data"][0]["price"]
                amount = price["unit_amount"] * subscription["items"]["data"][0]["quantity"]
                invoice = self.new_invoice(
                    subscription, "subscription_cycle", amount, False,
                    (subscription["current_period_start"], subscription["current_period_end"]),
                    changed)
                events.append(self.emit("invoice.payment_failed", invoice))
            if old_status == "past_due" and status == "active":
                for invoice in self.objects.values():
                    if (invoice["object"] == "invoice" and invoice["status"] == "open"
                            and invoice["subscription"] == subscription_id):
                        mark_paid(invoice, changed)
                        events.append(self.emit("invoice.paid", invoice))
            if status == "canceled":
                unpaid = old_status in ("past_due", "unpaid")
                self.cancel_subscription(
                    subscription, "payment_failed" if unpaid else "cancellation_requested", changed)
                events.append(self.emit("customer.subscription.deleted", subscription))
            else:
                subscription["status"] = status
                previous = {"status": old_status}
                if subscription["latest_invoice"] != old_invoice:
                    previous["latest_invoice"] = old_invoice
                events.append(self.emit("customer.subscription.updated", subscription, previous))
        self.deliver_new(events)
        return {"events": events}

    def inject_failure(self, data):
        """Sets the failure rule of a path prefix, replacing its earlier one (times 0 clears it)."""
        prefix, times, status = data.get("path_prefix"), data.get("times", 1), data.get("status", 500)
        if not isinstance(prefix, str) or not isinstance(times, int) or not isinstance(status, int):
            raise ApiError(400, "fail needs {path_prefix: string, times: int, status: int}")
        with self.lock:
            self.failures[prefix] = {"times": times, "status": status}
        return {"ok": True}


def plan_of(price):
    """The legacy Plan view of a recurring price, which subscription items and lines carry."""
    return {
        "id": price["id"], "object": "plan", "active": price["active"], "aggregate_usage": None,
        "amount": price["unit_amount"], "amount_decimal": price["unit_amount_decimal"],
        "billing_scheme": "per_unit", "created": price["created"], "currency": price["currency"],
        "interval": price["recurring"]["interval"],
        "interval_count": price["recurring"]["interval_count"], "livemode": False,
        "metadata": dict(price["metadata"]), "nickname": price["nickname"],
        "product": price["product"], "tiers_mode": None, "transform_usage": None,
        "trial_period_days": None, "usage_type": "licensed",
    }


def mark_paid(invoice, when):
    invoice.update(status="paid", paid=True, amount_paid=invoice["amount_due"], amount_remaining=0,
                   next_payment_attempt=None, auto_advance=False)
    invoice["status_transitions"]["paid_at"] = when


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Stripe treats a redirect as a failed delivery rather than following it."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


# No proxies (the webhook target is local) and no redirects.
WEBHOOK_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects)


def esc(value):
    return html.escape(str(value))


PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body {{ font-family: system-ui, sans-serif; background: #f6f9fc; color: #1a1f36; margin: 0; }}
main {{ max-width: 36rem; margin: 3rem auto; background: #fff; padding: 2rem; border-radius: 8px;
        box-shadow: 0 2px 8px rgba(0, 0, 0, .08); }}
h1 {{ font-size: 1.1rem; margin-top: 0; color: #635bff; }}
.amount {{ font-size: 1.75rem; font-weight: 600; }}
.muted {{ color: #697386; }}
button {{ background: #635bff; color: #fff; border: 0; border-radius: 6px; padding: .6rem 1.2rem;
          font: inherit; cursor: pointer; }}
table {{ width: 100%; border-collapse: collapse; }}
td {{ padding: .5rem .5rem .5rem 0; border-top: 1px solid #e3e8ee; vertical-align: top; }}
</style></head>
<body><main data-testid="{testid}"><h1>{title}</h1>
{body}
</main></body></html>
"""


def render_page(title, body, testid):
    return PAGE.format(title=esc(title), body=body, testid=testid)


class Handler(BaseHTTPRequestHandler):
    standin: StandIn  # set before serving

    def do_GET(self):
        self.dispatch("GET")

    def do_POST(self):
        self.dispatch("POST")

    def do_DELETE(self):
        self.dispatch("DELETE")

    def dispatch(self, method):
        url = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8") if length else ""
        try:
            if url.path.startswith("/v1/"):
                self.send_json(*self.standin.api(method, url.path, url.query, body, self.headers))
            elif url.path.startswith("/_standin/"):
                self.control(method, url.path, body)
            else:
                self.page(method, url.path, url.query)
        except Exception:  # a stand-in bug: answer like Stripe's api_error and log the trace
            traceback.print_exc()
            self.send_json(500, {"error": {"type": "api_error",
                                           "message": "The Stripe stand-in failed; see its stderr."}})

    def control(self, method, path, body):
        handler, ids = match_route(self.standin.control_routes, method, path)
        if handler is None:
            return self.send_json(404, {"error": {"type": "invalid_request_error",
                                                  "message": f"No control endpoint {method} {path}"}})
        try:
            data = json.loads(body) if body.strip() else {}
            if not isinstance(data, dict):
                raise ValueError("not an object")
        except ValueError as error:
            return self.send_json(400, {"error": {"type": "invalid_request_error",
                                                  "message": f"Body is not a JSON object: {error}"}})
        try:
            self.send_json(200, handler(data, *ids))
        except ApiError as error:
            self.send_json(error.status, error.body())

    def page(self, method, path, query):
        handler, ids = match_route(self.standin.page_routes, method, path)
        try:
            if handler is None:
                raise PageError(404, "Not found")
            status, content = handler(query, *ids)
        except PageError as error:
            status, content = error.status, render_page("Stand-in Stripe", f"<p>{esc(error)}</p>",
                                                        "standin-error")
        if status == 303:
            self.send_response(303)
            self.send_header("Location", content)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        data = content.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def send_json(self, status, obj, headers=None):
        data = json.dumps(obj, indent=2, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format, *args):
        sys.stderr.write(f"stripe-standin: {format % args}\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: a free one)")
    parser.add_argument("--webhook-url", help="where events are POSTed")
    parser.add_argument("--webhook-secret", action="append", default=[],
                        help="a signing secret (repeat for several v1 signatures)")
    parser.add_argument("--no-deliver", action="store_true", help="store events without POSTing them")
    args = parser.parse_args()

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    base_url = f"http://127.0.0.1:{server.server_address[1]}"
    Handler.standin = StandIn(base_url, args.webhook_url, args.webhook_secret, not args.no_deliver)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"listening on {base_url}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
