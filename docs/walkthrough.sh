#!/usr/bin/env bash
# The README's "Try the sync in the demo", end to end: the same commands, with checks of what each step should show.
# Run it with the AppHost running on a fresh demo (a first run, or after deleting ContactSync.AppHost/.data):
#   bash docs/walkthrough.sh
# Needs curl and jq. Reads the addresses and keys from .contactsync/resources.json (or $RESOURCES).
set -euo pipefail
cd "$(dirname "$0")/.."

RESOURCES=${RESOURCES:-.contactsync/resources.json}
API=$(jq -r .resources.api.url "$RESOURCES")
SANDBOX=$(jq -r .resources.sandbox.url "$RESOURCES")
KEY=$(jq -r .demo.apiKey "$RESOURCES")
GOOGLE=$(jq -r .demo.google.email "$RESOURCES")
OUTLOOK=$(jq -r .demo.microsoft.email "$RESOURCES")
AUTH="Authorization: Bearer $KEY"
JSON="Content-Type: application/json"

step() { printf '\n== %s\n' "$*"; }
ok() { printf 'ok: %s\n' "$*"; }
fail() { printf 'FAILED: %s\n' "$*" >&2; exit 1; }
# eventually <seconds> <description> <command...>: retries the command once a second until it succeeds.
eventually() {
  local seconds=$1 what=$2; shift 2
  for _ in $(seq "$seconds"); do
    if "$@"; then ok "$what"; return 0; fi
    sleep 1
  done
  fail "$what (not within ${seconds}s)"
}

step "1. Connect the demo Google account (consent redirect: API -> sandbox consent -> API callback -> /api/accounts)"
# The cookie jar is the browser: the connect's cookie has to come back on the callback for the account to be attached.
JAR=$(mktemp)
trap 'rm -f "$JAR"' EXIT
curl -sSfL --location-trusted -c "$JAR" -b "$JAR" -H "$AUTH" "$API/api/accounts/google/connect?loginHint=$GOOGLE" | jq -c '.items[]'
GOOGLE_ACCOUNT=$(curl -sSf -H "$AUTH" "$API/api/accounts" | jq -r --arg e "$GOOGLE" '.items[] | select(.email == $e) | .id')
[ -n "$GOOGLE_ACCOUNT" ] || fail "the Google account is not among /api/accounts"
ok "Google account $GOOGLE connected ($GOOGLE_ACCOUNT)"
# The browser way: ask for the consent address as JSON and open it (the sandbox approves at once).
CONNECT=$(curl -sSf -c "$JAR" -b "$JAR" -H "$AUTH" -H "Accept: application/json" \
  "$API/api/accounts/google/connect?loginHint=$GOOGLE&returnUrl=/docs")
AUTHORIZE_URL=$(jq -r .authorizeUrl <<<"$CONNECT")
case $AUTHORIZE_URL in "$SANDBOX"/o/oauth2/v2/auth\?*) ok "authorizeUrl points at the sandbox's consent page" ;; *) fail "authorizeUrl: $AUTHORIZE_URL" ;; esac
# The same consent address finished in another browser (no jar): nothing is attached; the page shows a code that
# only the starting user, with their own key, can use.
PAGE=$(curl -sSfL "$AUTHORIZE_URL")
grep -q "finished in a different browser" <<<"$PAGE" || fail "the other browser should be told that nothing was attached"
CODE=$(sed -n 's/.*id="confirmation-code">\([^<]*\)<.*/\1/p' <<<"$PAGE")
[ -n "$CODE" ] || fail "the page shows no confirmation code"
ok "another browser attached nothing and was shown the code $CODE"
CONFIRMED=$(curl -sSf -X POST -H "$AUTH" -H "$JSON" -d "{\"code\": \"$CODE\"}" \
  "$API/api/accounts/pending/$(jq -r .connectId <<<"$CONNECT")/confirm")
jq -c . <<<"$CONFIRMED"
[ "$(jq -r .id <<<"$CONFIRMED")" = "$GOOGLE_ACCOUNT" ] || fail "the confirmation should renew the same account"
ok "the starter attached it with the code (the same account, renewed)"

step "2. The demo lists (and a new one)"
curl -sSf -H "$AUTH" "$API/api/lists" | jq -c '.items[] | {id, name, filter}'
LIST=$(curl -sSf -H "$AUTH" "$API/api/lists" | jq -r '.items[] | select(.name == "Customers") | .id')
[ -n "$LIST" ] || fail "no Customers list"
curl -sSf -H "$AUTH" "$API/api/lists/$LIST/contacts" | jq -r '.items[] | .name.display // "\(.name.given) \(.name.family)"'
if ! curl -sSf -H "$AUTH" "$API/api/lists" | jq -e '.items[] | select(.name == "VIP")' >/dev/null; then
  curl -sSf -X POST -H "$AUTH" -H "$JSON" -d '{"name": "VIP", "filter": {"tags": ["vip"]}}' "$API/api/lists" | jq -c '{id, name, filter}'
fi

step "3. Preview the connection of Customers with the Google group Customers"
curl -sSf -H "$AUTH" "$API/api/accounts/$GOOGLE_ACCOUNT/groups" | jq -c '.items[]'
GROUP=$(curl -sSf -H "$AUTH" "$API/api/accounts/$GOOGLE_ACCOUNT/groups" | jq -r '.items[] | select(.name == "Customers") | .id')
BODY=$(jq -nc --arg account "$GOOGLE_ACCOUNT" --arg list "$LIST" --arg group "$GROUP" \
  '{accountId: $account, scope: "list", listId: $list, group: {id: $group}}')
PREVIEW=$(curl -sSf -X POST -H "$AUTH" -H "$JSON" -d "$BODY" "$API/api/connections/preview")
jq '{toCreateInProvider: .toCreateInProvider.count, toImport: .toImport.count, toLink: .toLink.count,
     toDeleteInProvider: .toDeleteInProvider.count, linkedByEmail: [.toLink.samples[] | "\(.name) <\(.email)>"],
     warnings: [.warnings[].message]}' <<<"$PREVIEW"
[ "$(jq .toLink.count <<<"$PREVIEW")" -ge 5 ] || fail "the preview should link (at least) the 5 contacts that share an e-mail"
ok "the preview links $(jq .toLink.count <<<"$PREVIEW") contacts and imports $(jq .toImport.count <<<"$PREVIEW")"

step "4. Create the connection, start it, watch the first sync"
# connect_once <account> <group> <body>: the connection of that group, created and started unless it exists (a second run).
connect_once() {
  local id
  id=$(curl -sSf -H "$AUTH" "$API/api/connections" |
    jq -r --arg a "$1" --arg g "$2" '[.items[] | select(.accountId == $a and .group.id == $g and .state != "disconnected")][0].id')
  if [ "$id" = null ]; then
    id=$(curl -sSf -X POST -H "$AUTH" -H "$JSON" -d "$3" "$API/api/connections" | jq -r .id)
    curl -sSf -X POST -H "$AUTH" "$API/api/connections/$id/start" | jq -c '{id, state}' >&2
  fi
  echo "$id"
}
CONNECTION=$(connect_once "$GOOGLE_ACCOUNT" "$GROUP" "$BODY")
synced() {
  local c; c=$(curl -sSf -H "$AUTH" "$API/api/connections/$1")
  jq -c '{state, progress, counts, lastSyncAt}' <<<"$c"
  [ "$(jq -r .lastSyncAt <<<"$c")" != null ] && [ "$(jq -r .state <<<"$c")" = idle ]
}
eventually 120 "the first sync finished" synced "$CONNECTION"
LINKED=$(curl -sSf -H "$AUTH" "$API/api/connections/$CONNECTION" | jq .counts.linked)
[ "$LINKED" -ge 300 ] || fail "only $LINKED contacts linked"
ok "$LINKED contacts linked"

step "5. Edit a contact in the CRM, see it at Google"
ADA=$(curl -sSf -H "$AUTH" "$API/api/contacts?q=ada.lovelace@example.com" | jq -r '.items[0].id')
curl -sSf -X PATCH -H "$AUTH" -H "$JSON" -d '{"jobTitle": "Chief Programmer"}' "$API/api/contacts/$ADA" | jq -c '{id, jobTitle, version}'
GOOGLE_TOKEN=$(curl -sSf -X POST -H "$JSON" -d "{\"email\": \"$GOOGLE\"}" "$SANDBOX/_sandbox/google/accounts" | jq -r .accessToken)
google_person() {
  curl -sSf -H "Authorization: Bearer $GOOGLE_TOKEN" \
    "$SANDBOX/v1/people/me/connections?personFields=names,emailAddresses,organizations&pageSize=1000" |
    jq -c --arg email "$1" '.connections[] | select(any(.emailAddresses[]?; .value == $email))'
}
google_title_is() { [ "$(google_person "$1" | jq -r '.organizations[0].title')" = "$2" ]; }
eventually 30 "Google shows Ada's new title" google_title_is ada.lovelace@example.com "Chief Programmer"
google_person ada.lovelace@example.com | jq -c '{resourceName, name: .names[0].displayName, organizations: [.organizations[] | {name, title}]}'

step "6. Edit a contact at Google, sync now, see it in the CRM"
ALAN_AT_GOOGLE=$(google_person alan@example.org)
curl -sSf -X PATCH -H "Authorization: Bearer $GOOGLE_TOKEN" -H "$JSON" \
  "$SANDBOX/v1/$(jq -r .resourceName <<<"$ALAN_AT_GOOGLE"):updateContact?updatePersonFields=organizations&personFields=organizations" \
  -d "$(jq -c '{etag, organizations: [{name: .organizations[0].name, title: "Head of Hut 8"}]}' <<<"$ALAN_AT_GOOGLE")" | jq -c '.organizations[] | {name, title}'
RUNS_BEFORE=$(curl -sSf -H "$AUTH" "$API/api/connections/$CONNECTION/dashboard" | jq -c '[.runs[].id]')
curl -sSf -X POST -H "$AUTH" "$API/api/connections/$CONNECTION/sync" | jq -c '{state}'
ALAN=$(curl -sSf -H "$AUTH" "$API/api/contacts?q=alan@example.org" | jq -r '.items[0].id')
crm_title_is() { [ "$(curl -sSf -H "$AUTH" "$API/api/contacts/$1" | jq -r .jobTitle)" = "$2" ]; }
eventually 30 "the CRM shows Alan's title from Google" crm_title_is "$ALAN" "Head of Hut 8"
# The run of this sync now: the newest finished run that changed the CRM.
new_run() {
  RUN=$(curl -sSf -H "$AUTH" "$API/api/connections/$CONNECTION/dashboard" |
    jq -r --argjson before "$RUNS_BEFORE" '[.runs[] | select((.id | IN($before[]) | not) and .state == "completed" and .updated.crm > 0)][0].id')
  [ "$RUN" != null ]
}
eventually 30 "the run that brought the change in is listed" new_run
curl -sSf -H "$AUTH" "$API/api/connections/$CONNECTION/dashboard" | jq -c --arg run "$RUN" '.runs[] | select(.id == $run) | {id, kind, state, updated}'

step "7. A conflict: the same field edited on both sides, then sync now"
ADA_AT_GOOGLE=$(google_person ada.lovelace@example.com)
curl -sSf -X PATCH -H "Authorization: Bearer $GOOGLE_TOKEN" -H "$JSON" \
  "$SANDBOX/v1/$(jq -r .resourceName <<<"$ADA_AT_GOOGLE"):updateContact?updatePersonFields=organizations&personFields=organizations" \
  -d "$(jq -c '{etag, organizations: [{name: .organizations[0].name, title: "Countess of Lovelace"}]}' <<<"$ADA_AT_GOOGLE")" | jq -c '.organizations[] | {name, title}'
curl -sSf -X PATCH -H "$AUTH" -H "$JSON" -d '{"jobTitle": "Lead Analyst"}' "$API/api/contacts/$ADA" | jq -c '{jobTitle, version}'
curl -sSf -X POST -H "$AUTH" "$API/api/connections/$CONNECTION/sync" | jq -c '{state}'
has_conflict() { [ "$(curl -sSf -H "$AUTH" "$API/api/connections/$CONNECTION/conflicts" | jq '.items | length')" -ge 1 ]; }
eventually 30 "the conflict is recorded" has_conflict
curl -sSf -H "$AUTH" "$API/api/connections/$CONNECTION/conflicts" | jq -c '.items[] | {id, field, crmValue, providerValue, policy, winner}'
CONFLICT=$(curl -sSf -H "$AUTH" "$API/api/connections/$CONNECTION/conflicts" | jq -r '.items[0].id')
curl -sSf -X POST -H "$AUTH" -H "$JSON" -d '{"side": "provider"}' "$API/api/connections/$CONNECTION/conflicts/$CONFLICT/apply" |
  jq -c '{id, field, resolved, resolutionSide}'
eventually 30 "the CRM took Google's value" crm_title_is "$ADA" "Countess of Lovelace"
eventually 30 "Google keeps its value" google_title_is ada.lovelace@example.com "Countess of Lovelace"
[ "$(curl -sSf -H "$AUTH" "$API/api/connections/$CONNECTION/conflicts" | jq '.items | length')" = 0 ] || fail "a conflict is still open"
ok "no open conflict left"

step "8. A contact's history: who changed what, from where"
curl -sSf -H "$AUTH" "$API/api/contacts/$ADA/history" |
  jq -c '.items[] | {version, at, actor: "\(.actor.kind): \(.actor.name)", changes: [.changes[] | "\(.field): \(.from | tojson) -> \(.to | tojson)"]}'
[ "$(curl -sSf -H "$AUTH" "$API/api/contacts/$ADA/history" | jq '[.items[] | select(.actor.kind == "connection")] | length')" -ge 1 ] ||
  fail "the history should show the connection's changes"
ok "the history shows the user's and the connection's changes"

step "9. Revert the run that brought Alan's new title in"
curl -sSf -X POST -H "$AUTH" "$API/api/connections/$CONNECTION/runs/$RUN/revert" | jq -c .
eventually 30 "the CRM has Alan's old title again" crm_title_is "$ALAN" "Cryptanalyst"
eventually 30 "and Google too (the revert syncs out as an edit)" google_title_is alan@example.org "Cryptanalyst"

step "10. The same connect for Outlook"
curl -sSfL --location-trusted -c "$JAR" -b "$JAR" -H "$AUTH" "$API/api/accounts/microsoft/connect?loginHint=$OUTLOOK" | jq -c '.items[]'
OUTLOOK_ACCOUNT=$(curl -sSf -H "$AUTH" "$API/api/accounts" | jq -r --arg e "$OUTLOOK" '.items[] | select(.email == $e) | .id')
[ -n "$OUTLOOK_ACCOUNT" ] || fail "the Outlook account is not among /api/accounts"
ok "Outlook mailbox $OUTLOOK connected ($OUTLOOK_ACCOUNT)"
curl -sSf -H "$AUTH" "$API/api/accounts/$OUTLOOK_ACCOUNT/groups" | jq -c '.items[]'
FOLDER=$(curl -sSf -H "$AUTH" "$API/api/accounts/$OUTLOOK_ACCOUNT/groups" | jq -r '.items[] | select(.name == "Customers") | .id')
OUTLOOK_BODY=$(jq -nc --arg account "$OUTLOOK_ACCOUNT" --arg list "$LIST" --arg group "$FOLDER" \
  '{accountId: $account, scope: "list", listId: $list, group: {id: $group}}')
OUTLOOK_PREVIEW=$(curl -sSf -X POST -H "$AUTH" -H "$JSON" -d "$OUTLOOK_BODY" "$API/api/connections/preview")
jq '{toCreateInProvider: .toCreateInProvider.count, toImport: .toImport.count, toLink: .toLink.count,
     linkedByEmail: [.toLink.samples[] | "\(.name) <\(.email)>"]}' <<<"$OUTLOOK_PREVIEW"
[ "$(jq .toLink.count <<<"$OUTLOOK_PREVIEW")" -ge 2 ] || fail "the Outlook preview should link contacts by e-mail"
OUTLOOK_CONNECTION=$(connect_once "$OUTLOOK_ACCOUNT" "$FOLDER" "$OUTLOOK_BODY")
eventually 180 "the Outlook first sync finished" synced "$OUTLOOK_CONNECTION"
curl -sSf -H "$AUTH" "$API/api/connections" | jq -c '.items[] | {id, provider, group: .group.name, state, counts, lastSyncAt}'

printf '\nwalkthrough: all steps passed\n'
