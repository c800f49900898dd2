namespace Cases.Api.Infrastructure.Http;

/// <summary>
/// What each operation is called in the docs and in generated clients: a short summary (the docs' menu entry) and,
/// where it helps, a description. Keyed by operationId; a test fails when an operation has no entry here.
/// </summary>
public static class OpenApiOperations
{
    public static readonly IReadOnlyDictionary<string, (string Summary, string? Description)> Docs =
        new Dictionary<string, (string, string?)>(StringComparer.Ordinal)
        {
            ["health"] = ("Health check", "200 when the database answers, 503 otherwise."),
            ["fileAppeal"] = ("File an appeal", "Files one resident appeal and routes it to its first node. The 201 is sent only once the case is committed. " +
                "The answer carries the case number that the agent reads back to the resident."),
            ["getCase"] = ("Get a case", "The case view: status, where it is, its deadlines, dispatches and clocks."),
            ["listCases"] = ("List cases", "Newest first, one page at a time. `nodeId` takes the node and everything under it; `overdue=true` keeps cases past a deadline."),
            ["acknowledge"] = ("Acknowledge a case (签收)", "The handler at the case's node takes it; this stops the acknowledge clock."),
            ["escalate"] = ("Escalate a case (上报)", "Hands the case one level up the grid tree, with the reason. At the district it stops."),
            ["dispatch"] = ("Dispatch to a department (派单)", "Sends the case to a department, which must accept it before its accept deadline."),
            ["acceptDispatch"] = ("Accept a dispatch (报到)", "The department takes the dispatched case."),
            ["returnDispatch"] = ("Return a dispatch (退单)", "The department gives the case back to the dispatching node, with the reason."),
            ["resolve"] = ("Resolve a case (办结)", "Records how the case was resolved; the feedback window opens."),
            ["feedback"] = ("Record the resident's feedback (回访)", "Satisfied closes the case; not satisfied reopens it (返工) to whoever resolved it."),
            ["close"] = ("Close a resolved case (结案)", "Closes a resolved case once it is verified."),
            ["withdraw"] = ("Withdraw a case", "The resident withdraws the appeal; the case becomes final."),
            ["merge"] = ("Merge a duplicate case", "Merges this case into another; the duplicate becomes final."),
            ["supervise"] = ("Supervise a case (督办)", "A note from above that the case needs attention; it is recorded on the case."),
            ["pause"] = ("Pause the clocks", "Stops the case's clocks while it waits on the resident, with the reason."),
            ["resume"] = ("Resume the clocks", "Restarts the paused clocks; the deadlines move by the paused time."),
            ["requestExtension"] = ("Request an extension (延期)", "Asks for more working days (at most 10); one level up decides."),
            ["decideExtension"] = ("Decide an extension", "Grants or refuses the pending extension; a grant moves `resolveBy`."),
            ["caseHistory"] = ("Get a case's history", "Every event of the case, in order, with who did it and when, the request it belongs to (`correlationId`, as answered in that request's `X-Correlation-Id` header; a clock's events share the correlation of the request that set the clock) and what caused it (`causationId`: `command:{operationId}`, `clock:{clock}/{stage}` or `message:{type}/{id}`)."),
            ["eraseResident"] = ("Erase a resident's contact", "Admin: honours a resident's erasure request, identified by the phone they gave. Their contact is stored only sealed with a key of their own (AES-GCM); the key and the phone lookup are deleted, so the contact in every case, its events included, can no longer be read, by anyone. No event is rewritten: each affected case records a `resident_contact_erased` event (without the erased data), and its history, figures and tamper evidence stay intact. Answers the cases reached; 404 when no contact is stored under the phone."),
            ["exportHistory"] = ("Export case histories as NDJSON", "Auditors and admins: one case's history (`caseId`), or the histories of every case raised in [`from`, `to`), as NDJSON (`application/x-ndjson`), one event a line with its case, sequence, version, type, timestamp, actor, correlation and causation, streamed as it is read. The resident's contact is always masked. `Cases.Cli export` writes the same to a file; `Cases.Cli import` appends such a file to another database and replays it."),
            ["caseStateAt"] = ("Get a case as it was", "The case view as it was at stream version `version`, or at the moment `at`."),
            ["nodeBoard"] = ("Get a node's board", "The work at a grid node and under it: counts by status and per child node."),
            ["departmentBoard"] = ("Get a department's board", "The dispatches a department holds, by status."),
            ["departmentDispatches"] = ("Read a department's dispatch feed", "The dispatches addressed to a department, in dispatch order. Page with `after` (the last item's cursor) and `limit`."),
            ["subscribe"] = ("Subscribe a department to its dispatches", "Registers a webhook: every later dispatch to the department is POSTed to `callbackUrl`, signed with HMAC-SHA256 of the raw body (`X-Cases-Signature: sha256=<hex>`) and carrying a stable `X-Cases-Delivery` id. At least once, in order per case, retried with back-off and jitter for 24 h, then dead-lettered. Without `secret`, one is generated and returned in this answer only. A callback that is not http(s), points at this service, or (outside demo mode) resolves to a private address is refused."),
            ["subscriptions"] = ("List a department's subscriptions", "Each subscription without its secret, with its circuit state and its pending, delivered and failed counts and the age of its oldest undelivered delivery."),
            ["subscription"] = ("Get a subscription", "One subscription without its secret, with its delivery counts and circuit state."),
            ["unsubscribe"] = ("Stop a subscription", "Nothing more is sent to it. Its deliveries stay listed."),
            ["deliveries"] = ("List a subscription's deliveries", "Oldest first, each with its attempts; `status=failed` lists the dead letters."),
            ["retryDelivery"] = ("Retry a dead letter", "Puts a failed delivery back in line at once with a fresh retry window, and lets a trial through the subscriber's circuit. Only a `failed` delivery can be retried; anything else is 409."),
            ["gridTree"] = ("Get the grid tree", "The whole tree, from the district down to the micro-grids."),
            ["gridNode"] = ("Get a grid node", "One node, with its path from the district."),
            ["departments"] = ("List departments", "Departments and the categories they handle."),
            ["categories"] = ("List categories", "Case categories and their time limits per urgency."),
            ["replaceCategoryLimits"] = ("Replace a category's limits", "Admin. Clocks that start afterwards use the new limits; running clocks keep theirs."),
            ["routingRules"] = ("Get the routing rules", "Where a new appeal starts, by category and urgency, and the suggested departments."),
            ["replaceRoutingRules"] = ("Replace the routing rules", "Admin. Appeals filed afterwards follow them."),
            ["devToken"] = ("Issue a demo token", "Demo mode only (404 otherwise): a bearer token for a demo user of the given role, node or department."),
            ["verifyChain"] = ("Verify the event store's hash chain", "Auditors and admins. Recomputes every event's link in the tamper-evidence chain, streaming through the store, " +
                "and answers `ok`, the events checked and, when broken, `firstBrokenSequence` with the kind of break: `edited`, `deleted`, `inserted` " +
                "(a row no link covers) or `chainAltered` (the chain itself was rewritten). Also the recomputed `head`, to compare with an anchor kept elsewhere."),
            ["chainHead"] = ("Get the event chain's head", "Auditors and admins. The latest link (position, event sequence, hash, when it was linked): record it outside the database; " +
                "later, `?position=N` gives the link at that position: a different hash there shows the store was rewritten, even if `verify` passes. 404 past the head."),
            ["referenceChanges"] = ("List reference-data changes", "Every change to limits and routing rules, oldest first: who, when, and the value before and after. Page with `after`."),
            ["metricsSummary"] = ("Get summary metrics", "Backlog, rates and durations for a node (and everything under it), a department or everything, over a day range."),
            ["metricsTimeseries"] = ("Get metrics over time", "The summary figures per day, week or month."),
            ["metricsRanking"] = ("Rank nodes by a metric", "The nodes of one level, ranked by one figure."),
            ["projections"] = ("Get projection progress", "Each async projection's progress and lag, in events and in seconds, and its dead letters."),
        };
}
