"""`check --deploy` passes with the production environment and fails on any warning: `make check-deploy`."""

from tests.deploy.processes import production_environment, run

CHECK_DEPLOY = ["manage.py", "check", "--deploy", "--fail-level", "WARNING"]


def test_check_deploy_passes_with_the_production_environment():
    checked = run(CHECK_DEPLOY, env=production_environment())
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "System check identified no issues" in checked.stdout


def test_check_deploy_fails_on_a_warning_when_https_is_not_declared():
    env = production_environment()
    del env["PORTAL_HTTPS"]
    checked = run(CHECK_DEPLOY, env=env)
    assert checked.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in checked.stderr
