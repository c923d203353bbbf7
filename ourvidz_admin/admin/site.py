"""The portal's admin site: the index grouped in the guide's tab order."""

from django.contrib import admin
from django.urls import NoReverseMatch, reverse

# Guide tab order (document 000, "Tab Structure"); each model listed once.
SECTIONS: dict[str, tuple[str, ...]] = {
    "Prompt Testing": (
        "prompts.promptversion", "prompts.prompttag", "prompts.prompttemplate", "prompts.promptrule",
        "prompts.character", "prompts.prompt", "prompts.agent", "prompts.agentprompt",
        "analytics.prompttestresult", "analytics.enhancedprompttest", "analytics.promptabtest",
        "generations.experimentrun", "prompts.promptlabel", "prompts.promptlabelmove",
    ),
    "Analytics": (
        "analytics.modelperformancelog", "analytics.livepromptmetric", "analytics.userenhancementadoption",
        "analytics.jobenhancementanalysis", "analytics.enhancementeffectiveness", "analytics.jobstatsdaily",
        "generations.promptusage", "generations.trackedprompt", "analytics.alert", "analytics.alertrule",
        "analytics.promptperformancedaily",
    ),
    "Jobs": (
        "generations.job", "generations.ratingqueue", "generations.generationimageoutput",
        "generations.generationimageinput",
        "generations.generationimagerating", "generations.livejobtracking", "prompts.promptlog",
    ),
    "Model Configuration": (
        "configs.enhancedmodelconfig", "configs.enhancementpreset", "configs.compelconfig", "configs.lora",
        "prompts.modelparameters", "prompts.blockedterm", "configs.configchangehistory", "configs.modelconfighistory",
        "configs.costrate",
    ),
    "System Health": ("django_rq.dashboard", "analytics.admindevelopmentprogress"),
    "Users": ("auth.user", "auth.group", "prompts.usertierassignment"),
}
# Custom pages listed at the top of their section: (section, label, url name, permission).
PAGES = (
    ("Prompt Testing", "▶ Prompt testing (batch submit and rate)", "admin:generations_job_prompt_testing",
     "generations.view_job"),
    ("Prompt Testing", "▶ Prompt testing — playground", "admin:generations_job_playground",
     "generations.add_job"),
    ("Prompt Testing", "▶ Rate A/B tests (blind)", "admin:analytics_promptabtest_rate_index",
     "generations.rate_job"),
    ("Jobs", "▶ Rate unrated outputs", "admin:generations_job_rate", "generations.rate_job"),
    ("System Health", "▶ System health", "admin:gpu_system_health", "gpu.view_workerheartbeat"),
    ("Analytics", "▶ Prompt performance", "admin:analytics_prompt_performance",
     "analytics.view_promptperformancedaily"),
    # The analytics dashboards (analytics/admin/dashboards.py); each page checks its full permission set.
    ("Analytics", "▶ Model analytics", "admin:analytics_model_analytics", "analytics.view_modelperformancelog"),
    ("Analytics", "▶ Enhanced prompt analytics", "admin:analytics_enhanced_prompts", "analytics.view_promptabtest"),
    ("Analytics", "▶ Live prompt performance", "admin:analytics_live_performance", "analytics.view_livepromptmetric"),
    ("Analytics", "▶ Enhancement effectiveness", "admin:analytics_enhancement_effectiveness",
     "analytics.view_jobstatsdaily"),
    ("Analytics", "▶ User adoption", "admin:analytics_user_adoption", "analytics.view_userenhancementadoption"),
    ("Analytics", "▶ Operations", "admin:analytics_operations", "analytics.view_jobstatsdaily"),
    # Forecasts and the PDF report (analytics/admin/forecasts.py, reports.py); each page checks its full permission set.
    ("Analytics", "▶ Forecasts", "admin:analytics_forecasts", "analytics.view_modelperformancelog"),
    ("Analytics", "▶ Reports (PDF)", "admin:analytics_reports", "analytics.view_modelperformancelog"),
    # analytics/admin/costs.py; the page checks the permissions of GET /api/analytics/costs.
    ("Analytics", "▶ Costs", "admin:analytics_costs", "configs.view_costrate"),
)
# Where each section's header links: its main page, or the first entry the user can open when that one is hidden.
SECTION_HOME = {
    "Prompt Testing": "admin:generations_job_prompt_testing", "Analytics": "admin:analytics_prompt_performance",
    "Jobs": "admin:generations_job_changelist", "Model Configuration": "admin:configs_enhancedmodelconfig_changelist",
    "System Health": "admin:gpu_system_health", "Users": "admin:auth_user_changelist",
}
_POSITION = {key: (index, order) for index, keys in enumerate(SECTIONS.values()) for order, key in enumerate(keys)}
_OTHER = "System Health"


class OurVidzAdminSite(admin.AdminSite):
    """Admin site whose index follows the guide's tabs instead of Django's per-app grouping."""

    site_header = "OurVidz Admin"
    site_title = "OurVidz Admin"
    index_title = "Portal"

    def get_app_list(self, request, app_label=None):
        app_list = super().get_app_list(request, app_label)
        if app_label is not None:
            return app_list
        sections: dict[str, dict] = {}
        for app in app_list:
            for model in app["models"]:
                key = f"{app['app_label']}.{model['object_name'].lower()}"
                section_index, order = _POSITION.get(key, (list(SECTIONS).index(_OTHER), 1000))
                name = list(SECTIONS)[section_index]
                section = sections.setdefault(
                    name,
                    {
                        "name": name, "app_label": app["app_label"], "app_url": app["app_url"],
                        "has_module_perms": True, "models": [], "_index": section_index,
                    },
                )
                section["models"].append({**model, "_order": order})
        self._add_pages(request, sections)
        ordered = sorted(sections.values(), key=lambda s: s["_index"])
        for section in ordered:
            section["models"].sort(key=lambda m: (m["_order"], m["name"]))
            section["app_url"] = _home_url(section)
        return ordered

    def _add_pages(self, request, sections: dict) -> None:
        for section_name, label, url_name, permission in PAGES:
            if section_name not in sections or not request.user.has_perm(permission):
                continue
            try:
                url = reverse(url_name)
            except NoReverseMatch:
                continue
            sections[section_name]["models"].append({
                "name": label, "object_name": "page", "admin_url": url, "add_url": None,
                "view_only": True, "perms": {"view": True}, "_order": -1,
            })


def _home_url(section: dict) -> str:
    urls = [model["admin_url"] for model in section["models"] if model.get("admin_url")]
    try:
        home = reverse(SECTION_HOME[section["name"]])
    except (KeyError, NoReverseMatch):
        home = None
    if home in urls:
        return home
    return urls[0] if urls else section["app_url"]
