from django.core.management.base import BaseCommand

from campaigns.results.rollups import rollups_deferred
from portal.management.demo import contributions as contributions_demo
from portal.management.demo import evidence as evidence_demo
from portal.management.demo import honours as honours_demo
from portal.management.demo import inspections as inspections_demo
from portal.management.demo import movement as movement_demo
from portal.management.demo import reports as reports_demo
from portal.management.demo import results as results_demo
from portal.management.demo import titles as titles_demo
from portal.management.demo import units as demo


class Command(BaseCommand):
    help = (
        "Load the demo province (Thanh Hóa): neighbourhoods, profiles, a year of results with some evidence, "
        "the movement, reports built for past periods and the demo accounts. Safe to run twice."
    )

    def handle(self, *args, **options):
        with rollups_deferred():  # loads around the services; the rollups are counted once, before the reports
            city, added = demo.load(), results_demo.load()
            files = evidence_demo.load()
            movement = movement_demo.load()
        self.stdout.write(f"Criteria sets loaded; {added} monthly submissions of results added.")
        self.stdout.write(f"Evidence: {files} files attached.")
        self.stdout.write(f"Campaigns: {movement['campaigns']} added with {movement['tasks']} tasks.")
        inspected = inspections_demo.load()
        self.stdout.write(f"Title path: {inspected['registrations']} registrations, {inspected['visits']} visits.")
        titled = titles_demo.load()
        self.stdout.write(f"Titles: {titled['decided']} decided, {titled['withdrawn']} withdrawn (example decisions).")
        self.stdout.write(f"Contributions: {contributions_demo.load()} added (example figures).")
        honours = honours_demo.load()
        self.stdout.write(f"Honours: {honours['commendations']} commendations, {honours['targets']} plan targets.")
        reports = reports_demo.load()
        self.stdout.write(f"Reports: {reports['built']} built.")
        if reports["failed"]:
            self.stderr.write(f"{reports['failed']} demo reports failed to build; see their page under Báo cáo.")
        self.stdout.write(
            self.style.SUCCESS(f"Demo data loaded: {city.name}, {city.wards.count()} wards and communes.")
        )
        self.stdout.write(f"Demo accounts (password {demo.PASSWORD}):")
        for username, full_name, role, ward_code in demo.ACCOUNTS:
            where = f" · {ward_code}" if ward_code else ""
            self.stdout.write(f"  {username:<8} {role.label} ({full_name}){where}")
