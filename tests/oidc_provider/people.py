"""The test provider's client registration for Kindred and its people (no Django import: the
tests read these too)."""

CLIENT_ID = "kindred-test-client"
CLIENT_SECRET = "kindred-test-secret-that-is-long-enough"
PASSWORD = "provider passphrase 9"
# username, first name, last name ("unverified": the provider has not verified the address), e-mail
PEOPLE = [
    ("ada", "Ada", "Lovelace", "ada@ministry.example"),
    ("una", "Una", "unverified", "una@ministry.example"),
    ("nomail", "Nameless", "Person", ""),
    ("grace", "Grace", "Hopper", "Grace.Hopper@Ministry.example"),
]
