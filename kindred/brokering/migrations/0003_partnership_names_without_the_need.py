"""Brokered partnerships were named "A with B: <the need's domain>", and the domain could come from
a school's own evaluation ("… (self-evaluation)"), which the network's name showed to everyone who
sees the network. Their names lose the need (issue 20, item 3; docs/privacy.md); the need stays
with the run's proposal or the approach, read by system leaders."""

from django.db import migrations


def strip_the_need(apps, schema_editor):
    Network = apps.get_model("networks", "Network")
    ProposedNetwork = apps.get_model("brokering", "ProposedNetwork")
    Approach = apps.get_model("brokering", "Approach")
    pairs = list(
        ProposedNetwork.objects.filter(network__isnull=False, network__kind="partnership")
        .exclude(domain="")
        .values_list("network_id", "domain")
    )
    pairs += list(Approach.objects.filter(network__isnull=False).values_list("network_id", "domain"))
    for network_id, domain in pairs:
        network = Network.objects.filter(pk=network_id).first()
        suffix = f": {domain}"
        if network is not None and network.name.endswith(suffix):
            network.name = network.name[: -len(suffix)]
            network.save(update_fields=["name"])


class Migration(migrations.Migration):
    dependencies = [
        ("brokering", "0002_capacity_incremental"),
        ("networks", "0002_membership_requests_from_one_person"),
    ]

    operations = [migrations.RunPython(strip_the_need, migrations.RunPython.noop)]
