//! 需求清单 over HTTP.

super::lists::list_endpoints! {
    entry: entity::need::Model,
    domain: needs,
    view: NeedView,
    new: NewNeed,
    patch: NeedPatch,
    filter: NeedFilter,
    status_change: StatusChange,
    tag: "needs",
    paths: ("/needs", "/needs/{id}", "/needs/{id}/status", "/needs/{id}/confirm"),
    list: (list_needs, "Needs, newest first.", []),
    create: (
        create_need,
        "Post a need (the alliance's coordinators, or admins).",
        "nearly repeats an open need (send `allow_duplicate`)"
    ),
    get: (get_need, "One need; its `ETag` is its version."),
    update: (
        update_need,
        "Edit a need (the alliance's coordinators, or admins). Send `If-Match` to refuse a stale edit (412)."
    ),
    status: (
        change_need_status,
        "Close a need or open it again (the alliance's coordinators, or admins)."
    ),
    delete: (
        delete_need,
        "Remove a need from the list (kept in the audit trail). Refused once it has a project."
    ),
    confirm: (
        confirm_need,
        "Confirm the need still stands (复核, the alliance's coordinators, or admins): it stays matchable for another 90 days.\nAny edit confirms it too."
    ),
}
