"""Issue 16 S6: what the rendered production overlay promises beyond the schema (which
scripts/check_kubernetes.sh validates): hardened pods with probes and requests, secrets only by
reference, and network policies that let only the named parts talk to each other."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
KUBECTL = Path(sys.executable).parent / "kubectl"
SERVING = {
    "rasa": "/",
    "actions": "/health",
    "backend": "/api/v1/health",
    "backend-worker": "/api/v1/health",
    "web": "/",
}


@pytest.fixture(scope="module")
def objects() -> list[dict[str, Any]]:
    rendered = subprocess.run(
        [str(KUBECTL), "kustomize", str(REPO / "deploy/kubernetes/overlays/production")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [document for document in yaml.safe_load_all(rendered) if document]


def of_kind(objects: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {item["metadata"]["name"]: item for item in objects if item["kind"] == kind}


def pod_specs(objects: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    specs = {name: item["spec"]["template"]["spec"] for name, item in of_kind(objects, "Deployment").items()}
    specs.update({name: item["spec"]["template"]["spec"] for name, item in of_kind(objects, "Job").items()})
    for name, item in of_kind(objects, "CronJob").items():
        specs[name] = item["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    return specs


def test_every_part_is_deployed_with_probes_on_its_health_url(objects: list[dict[str, Any]]) -> None:
    deployments = of_kind(objects, "Deployment")
    assert set(deployments) == set(SERVING)
    for name, path in SERVING.items():
        serving = deployments[name]["spec"]["template"]["spec"]["containers"][0]
        assert serving["readinessProbe"]["httpGet"]["path"] == path, name
        assert serving["livenessProbe"]["httpGet"]["path"] == path, name


def test_every_container_runs_non_root_read_only_with_requests(objects: list[dict[str, Any]]) -> None:
    for name, spec in pod_specs(objects).items():
        assert spec["securityContext"]["runAsNonRoot"] is True, name
        for container in spec.get("initContainers", []) + spec["containers"]:
            assert container["securityContext"]["readOnlyRootFilesystem"] is True, (name, container["name"])
            assert container["securityContext"]["allowPrivilegeEscalation"] is False, (name, container["name"])
            assert {"cpu", "memory"} <= set(container["resources"]["requests"]), (name, container["name"])


def test_secrets_are_only_referenced(objects: list[dict[str, Any]]) -> None:
    assert not of_kind(objects, "Secret")
    for name, spec in pod_specs(objects).items():
        for container in spec.get("initContainers", []) + spec["containers"]:
            for variable in container.get("env", []):
                if any(
                    word in variable["name"] for word in ("SECRET", "PASSWORD", "TOKEN", "DATABASE_URL", "STATE_URL")
                ):
                    assert "secretKeyRef" in variable.get("valueFrom", {}), (name, variable["name"])
    config = of_kind(objects, "ConfigMap")["lotse-config"]["data"]
    assert not [key for key in config if any(word in key for word in ("SECRET", "PASSWORD", "TOKEN"))]


def allowed_sources(policy: dict[str, Any]) -> set[str]:
    sources = set()
    for rule in policy["spec"].get("ingress", []):
        for peer in rule.get("from", []):
            if "podSelector" in peer:
                sources.add(peer["podSelector"]["matchLabels"]["app.kubernetes.io/name"])
            else:
                sources.add("namespace:" + peer["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"])
    return sources


def test_network_policies_let_only_the_named_parts_in(objects: list[dict[str, Any]]) -> None:
    policies = of_kind(objects, "NetworkPolicy")
    assert policies["default-deny-ingress"]["spec"] == {"podSelector": {}, "policyTypes": ["Ingress"]}
    assert allowed_sources(policies["actions"]) == {"rasa"}
    assert allowed_sources(policies["backend"]) == {"rasa", "actions", "namespace:ingress-nginx"}
    assert allowed_sources(policies["rasa"]) == {"namespace:ingress-nginx", "backend", "backend-worker"}
    assert "backend-worker" not in {
        policy["spec"]["podSelector"].get("matchLabels", {}).get("app.kubernetes.io/name")
        for policy in policies.values()
    }


def test_the_ingress_routes_neither_the_status_webhook_nor_the_api(objects: list[dict[str, Any]]) -> None:
    ingress = of_kind(objects, "Ingress")["lotse"]
    paths = [path["path"] for rule in ingress["spec"]["rules"] for path in rule["http"]["paths"]]
    assert not [path for path in paths if path.startswith(("/webhooks/status", "/api"))]
    assert "/webhooks/rest/" in paths and "/staff/" in paths
    assert ingress["spec"]["tls"][0]["secretName"]
    annotations = ingress["metadata"]["annotations"]
    assert (
        annotations["nginx.ingress.kubernetes.io/proxy-body-size"]
        and annotations["nginx.ingress.kubernetes.io/limit-rps"]
    )


def test_rasa_and_actions_scale_and_keep_one_replica_through_a_drain(objects: list[dict[str, Any]]) -> None:
    autoscalers = of_kind(objects, "HorizontalPodAutoscaler")
    assert {name: item["spec"]["scaleTargetRef"]["name"] for name, item in autoscalers.items()} == {
        "rasa": "rasa",
        "actions": "actions",
    }
    assert all(item["spec"]["minReplicas"] >= 2 for item in autoscalers.values())
    budgets = of_kind(objects, "PodDisruptionBudget")
    assert {"rasa", "actions", "backend", "web"} <= set(budgets)
