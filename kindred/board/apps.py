from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BoardConfig(AppConfig):
    name = "kindred.board"
    label = "board"
    verbose_name = _("Messageboards")

    def ready(self) -> None:
        from kindred.accounts.personal_data import personal_data_register
        from kindred.board import privacy  # connects the account-deletion receiver
        from kindred.board.panels import recent_threads_context
        from kindred.board.search import POSTS
        from kindred.core.search import search_register
        from kindred.networks.panels import panel_register

        search_register(POSTS)  # the one search of posts (kindred/core/search.py)
        # A network's page shows its board's latest threads (networks sits below the board).
        panel_register(template="board/_recent_threads.html", context=recent_threads_context)
        # The files attached to a person's posts are in their personal-data download.
        personal_data_register("board.attachment", privacy.attachments_of)
