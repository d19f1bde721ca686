from django.contrib import admin

from kindred.schools.models import (
    LocalAuthority,
    MeasureDefinition,
    Region,
    School,
    SchoolLink,
    SchoolMeasure,
)


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["registry_id", "name", "phase", "status", "local_authority", "pupils"]
    list_filter = ["phase", "status", "urban_rural", "region"]
    search_fields = ["registry_id", "name", "town", "postcode"]
    raw_id_fields = ["local_authority", "region"]


@admin.register(MeasureDefinition)
class MeasureDefinitionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "domain", "unit", "higher_is_better"]
    list_filter = ["kind", "domain"]


@admin.register(SchoolMeasure)
class SchoolMeasureAdmin(admin.ModelAdmin):
    list_display = ["school", "measure", "year", "value", "cohort", "suppressed"]
    list_filter = ["measure", "year", "suppressed"]
    raw_id_fields = ["school"]
    list_select_related = ["school", "measure"]


admin.site.register(Region)
admin.site.register(LocalAuthority)
admin.site.register(SchoolLink)
