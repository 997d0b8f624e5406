from django.urls import path

from .views import accounts, agencies, agency_profile, language, two_factor, vetting

urlpatterns = [
    path("", accounts.dashboard, name="dashboard"),
    path("access/", accounts.access_status, name="access_status"),
    path("access/reconfirm/", accounts.reconfirm_request, name="reconfirm_request"),
    path("access/reconfirm/<str:token>/", accounts.reconfirm, name="reconfirm"),
    path("two-factor/setup/", two_factor.two_factor_setup, name="two_factor_setup"),
    path("two-factor/setup/send/", two_factor.two_factor_setup_send, name="two_factor_setup_send"),
    path(
        "two-factor/setup/link/<str:token>/",
        two_factor.two_factor_setup_link,
        name="two_factor_setup_link",
    ),
    path("profile/", accounts.profile, name="profile"),
    path("onboarding/", accounts.onboarding_request, name="onboarding_request"),
    path("vetting/", vetting.vetting_queue, name="vetting_queue"),
    path("vetting/<int:pk>/", vetting.vetting_detail, name="vetting_detail"),
    path("vetting/<int:pk>/decide/", vetting.vetting_decide, name="vetting_decide"),
    path("vetting/<int:pk>/name/", vetting.vetting_name_decide, name="vetting_name_decide"),
    path("my-agency/", vetting.my_agency, name="my_agency"),
    path("my-agency/profile/", agency_profile.agency_profile, name="agency_profile"),
    path(
        "my-agency/requests/<int:pk>/withdraw/",
        agency_profile.agency_request_withdraw,
        name="agency_request_withdraw",
    ),
    path("agencies/", agencies.agency_list, name="agency_list"),
    path("agencies/<int:pk>/", agencies.agency_detail, name="agency_detail"),
    path("agencies/<int:pk>/domains/", agencies.agency_domain_add, name="agency_domain_add"),
    path(
        "agencies/<int:pk>/domains/<int:domain_pk>/remove/",
        agencies.agency_domain_remove,
        name="agency_domain_remove",
    ),
    path("agencies/<int:pk>/status/", agencies.agency_status, name="agency_status"),
    path(
        "agencies/<int:pk>/vetting-mode/", agencies.agency_vetting_mode, name="agency_vetting_mode"
    ),
    path(
        "agencies/<int:pk>/focal-points/<int:officer_pk>/",
        agencies.agency_focal_point,
        name="agency_focal_point",
    ),
    path(
        "agencies/<int:pk>/requests/<int:request_pk>/decide/",
        agencies.agency_request_decide,
        name="agency_request_decide",
    ),
    path("healthz", accounts.healthz, name="healthz"),
    # Under /i18n/, which every account state may reach (attendees.middleware).
    path("i18n/setlang/", language.set_language, name="set_language"),
]
