from django.core.management.base import BaseCommand

from campaigns import demo as campaigns_demo
from campaigns import demo_movement as movement_demo
from wards import demo


class Command(BaseCommand):
    help = "Load the demo province (Thanh Hóa) with neighbourhoods, profiles and demo accounts. Safe to run twice."

    def handle(self, *args, **options):
        city = demo.load()
        added = campaigns_demo.load()
        self.stdout.write(f"Criteria sets loaded; {added} monthly submissions of results added.")
        movement = movement_demo.load()
        self.stdout.write(f"Campaigns: {movement['campaigns']} added with {movement['tasks']} tasks.")
        self.stdout.write(
            self.style.SUCCESS(f"Demo data loaded: {city.name}, {city.wards.count()} wards and communes.")
        )
        self.stdout.write(f"Demo accounts (password {demo.PASSWORD}):")
        for username, full_name, role, ward_code in demo.ACCOUNTS:
            where = f" · {ward_code}" if ward_code else ""
            self.stdout.write(f"  {username:<8} {role.label} ({full_name}){where}")
