"""What the NAPAS VietQR specification fixes: identifiers, service codes, field limits."""

NAPAS_GUID = "A000000727"
VNPAY_GUID = "A000000775"
SERVICES = {"account": "QRIBFTTA", "card": "QRIBFTTC"}
SERVICE_NAMES = {code: name for name, code in SERVICES.items()}

# Account numbers: digits and ASCII letters (virtual accounts carry letters); cards: digits.
ACCOUNT_CHARACTERS = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
MAX_ACCOUNT = 19
MAX_AMOUNT_DIGITS = 13
MAX_PURPOSE = 25
MAX_MERCHANT_NAME = 25
MAX_MERCHANT_CITY = 15
MAX_BILL = 25
MAX_REFERENCE = 25

# EMVCo merchant account information templates.
MERCHANT_ACCOUNT_TAGS = frozenset(f"{n:02d}" for n in range(26, 52))
