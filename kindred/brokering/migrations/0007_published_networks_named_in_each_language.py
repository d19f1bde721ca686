"""Networks published before names were stored as data: their name and purpose were written in the
publisher's language ("South East network 7 (Host)", "Proposed by Network formation"). Where a
published network still has such a name, store what it is made of instead (networks.Network.made_by,
name_params) and drop the generated purpose, so every reader sees both in their own language. A
network its coordinator renamed keeps its name, as typed.

The texts of the time are written out below (English and the Welsh and Arabic catalogues of the
time), not taken from today's catalogues, which may have changed since."""

from django.db import migrations

NAMES = {
    "formation": (
        "%(region)s network %(number)s (%(host)s)",
        "%(region)s rhwydwaith %(number)s (%(host)s)",
        "%(region)s الشبكة %(number)s (%(host)s)",
    ),
    "brokering": ("%(need)s with %(partner)s", "%(need)s gyda %(partner)s", "%(need)s مع %(partner)s"),
}
PURPOSES = {
    "formation": (
        "Proposed by Network formation",
        "Cynigiwyd gan Ffurfio rhwydweithiau",
        "اقترحه تكوين الشبكات",
    ),
    "brokering": (
        "Proposed by Partner brokering",
        "Cynigiwyd gan Broceru partneriaid",
        "اقترحه الوساطة بين الشركاء",
    ),
}


def _params(run, item, invitations) -> dict | None:
    if run.kind == "formation":
        host = next((i.school for i in invitations if i.role == "host"), invitations[0].school)
        return {"region": run.region.name if run.region_id else "", "number": item.number, "host": host.name}
    need = next((i.school for i in invitations if i.role == "need"), None)
    partner = next((i.school for i in invitations if i.role == "partner"), None)
    if need is None or partner is None:
        return None
    return {"need": need.name, "partner": partner.name}


def forwards(apps, schema_editor):
    ProposedNetwork = apps.get_model("brokering", "ProposedNetwork")
    Invitation = apps.get_model("brokering", "Invitation")
    published = ProposedNetwork.objects.filter(
        network__isnull=False, extends__isnull=True, network__made_by=""
    ).select_related("network", "run__region")
    for item in published.iterator():
        network, run = item.network, item.run
        if run.kind not in NAMES:
            continue
        invitations = list(Invitation.objects.filter(proposed_network=item).select_related("school").order_by("pk"))
        params = _params(run, item, invitations) if invitations else None
        if params is None:
            continue
        names = {(text % params)[:200] for text in NAMES[run.kind]}
        if network.name not in names:
            continue  # renamed by a person: theirs, as typed
        network.made_by, network.name_params = run.kind, params
        network.name = (NAMES[run.kind][0] % params)[:200]  # the English form, for search and sorting
        if network.purpose in PURPOSES[run.kind]:
            network.purpose = ""
        network.save(update_fields=["made_by", "name_params", "name", "purpose"])


class Migration(migrations.Migration):

    dependencies = [
        ('brokering', '0006_run_fewer_partners'),
        ('networks', '0006_network_made_by_name_params'),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
