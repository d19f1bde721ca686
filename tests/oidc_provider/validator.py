from oauth2_provider.oauth2_validators import OAuth2Validator


class ClaimsValidator(OAuth2Validator):
    """Releases the claims a ministry's provider would: e-mail address, whether it is verified, name.

    A person whose last name is "unverified" has an unverified address (the provider's own flag);
    one without an address gets no e-mail claims at all.
    """

    def get_additional_claims(self, request):
        user = request.user
        claims = {"name": user.get_full_name()}
        if user.email:
            claims["email"] = user.email
            claims["email_verified"] = user.last_name != "unverified"
        return claims
