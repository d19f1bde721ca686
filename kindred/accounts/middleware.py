from django.utils import translation


class UserLanguageMiddleware:
    """Speak a signed-in person's saved language, wherever they sign in from.

    Runs after LocaleMiddleware (which chose from the cookie or Accept-Language) and after
    authentication; a person who has not chosen a language keeps LocaleMiddleware's choice.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
        if language and translation.check_for_language(language):
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
