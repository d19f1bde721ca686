from django.contrib import admin

from kindred.offers.models import Match, Offer, SupportRequest


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = ["__str__", "domain", "format", "capacity", "status"]
    list_filter = ["format", "status"]
    raw_id_fields = ["school", "organisation", "created_by"]


@admin.register(SupportRequest)
class SupportRequestAdmin(admin.ModelAdmin):
    list_display = ["school", "domain", "by_date", "status"]
    list_filter = ["status"]
    raw_id_fields = ["school", "created_by"]


@admin.register(Match)
class MatchAdmin(admin.ModelAdmin):
    list_display = ["request", "offer", "outcome", "cost", "requester_agreed_at", "offerer_agreed_at"]
    raw_id_fields = ["request", "offer", "network", "event"]
