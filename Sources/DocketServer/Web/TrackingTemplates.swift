/// The tracking pages' templates: the kanban board with its overdue list, the month's penalties, the notification
/// deliveries and the webhook subscriptions.
enum TrackingTemplates {
    static let all: [String: String] = [
        "board": board, "boardCard": boardCard, "penalties": penalties, "deliveries": deliveries, "webhooks": webhooks, "webhook": webhook,
        "webhookForm": webhookForm, "trackLookup": trackLookup, "tracking": tracking, "exceptions": exceptions,
    ]

    /// `TrackLookupModel`: the customer's lookup by order number and phone (no sign-in).
    static let trackLookup = """
        {{<layout}}
        {{$title}}{{t.ui.track.title}}{{/title}}
        {{$content}}
        {{#page}}
        <section class="card track-page">
          <h1 id="page-title">{{t.ui.track.title}}</h1>
          <p class="hint">{{t.ui.track.lookupHint}}</p>
          {{#error}}<p class="alert" role="alert" id="track-error">{{error}}</p>{{/error}}
          <form method="post" action="{{action}}" id="track-form">
            <label{{#numberError}} class="invalid"{{/numberError}}><span>{{t.ui.track.number}}</span><input name="number" id="track-number" value="{{number}}" maxlength="40" required autocomplete="off" placeholder="SO-20261124-000001">{{#numberError}}<small class="error">{{numberError}}</small>{{/numberError}}</label>
            <label{{#phoneError}} class="invalid"{{/phoneError}}><span>{{t.ui.track.phone}}</span><input name="phone" id="track-phone" value="{{phone}}" maxlength="40" required type="tel" autocomplete="tel">{{#phoneError}}<small class="error">{{phoneError}}</small>{{/phoneError}}</label>
            <p><button type="submit" class="primary" id="track-submit">{{t.ui.track.lookup}}</button></p>
          </form>
          <p class="langs"><a href="{{zhHref}}">中文</a> · <a href="{{enHref}}">English</a></p>
        </section>
        {{/page}}
        {{/content}}
        {{/layout}}
        """

    /// `TrackingPageModel`: one order as its customer sees it, and the problem report.
    static let tracking = """
        {{<layout}}
        {{$title}}{{t.ui.track.title}} {{page.number}}{{/title}}
        {{$content}}
        {{#page}}
        <section class="card track-page">
          <h1 id="page-title">{{number}}</h1>
          <p class="phase" data-phase="{{phaseKey}}" id="track-phase">{{phase}}</p>
          {{#notice}}<p class="notice" role="status" id="track-notice">{{notice}}</p>{{/notice}}
          <ol class="steps" id="track-steps">{{#steps}}<li class="{{#done}}done{{/done}}{{#current}} current{{/current}}"><span class="step-label">{{label}}</span>{{#time}}<span class="step-time">{{time}}</span>{{/time}}</li>{{/steps}}</ol>
          <dl class="facts">
            <dt>{{t.ui.confirm.customer}}</dt><dd>{{customer}}</dd>
            <dt>{{t.ui.order.promised}}</dt><dd id="track-promised">{{promised}}</dd>
          </dl>
          <h2>{{t.ui.track.goods}}</h2>
          <table class="grid track-lines"><tbody>{{#lines}}<tr><td>{{name}}</td><td class="num">{{quantity}}</td><td class="num">{{amount}}</td></tr>{{/lines}}</tbody>
            <tfoot><tr><td colspan="2">{{t.ui.order.total}}</td><td class="num">{{total}}</td></tr></tfoot></table>
          <h2>{{t.ui.track.shipments}}</h2>
          {{#shipments}}
          <div class="track-shipment" data-shipment="{{number}}">
            <p><strong>{{number}}</strong> <span class="status" data-status="{{statusKey}}">{{status}}</span></p>
            <dl class="facts">
              {{#carrier}}<dt>{{t.ui.track.carrier}}</dt><dd>{{carrier}}</dd>{{/carrier}}
              {{#tracking}}<dt>{{t.ui.track.trackingNumber}}</dt><dd class="tracking-number">{{tracking}}</dd>{{/tracking}}
              {{#eta}}<dt>{{t.ui.track.eta}}</dt><dd>{{eta}}</dd>{{/eta}}
              {{#delivered}}<dt>{{t.ui.track.delivered}}</dt><dd>{{delivered}}</dd>{{/delivered}}
            </dl>
            {{^empty(events)}}<ul class="track-events">{{#events}}<li><span class="step-time">{{time}}</span> {{what}}{{#place}} · {{place}}{{/place}}</li>{{/events}}</ul>{{/empty(events)}}
          </div>
          {{/shipments}}
          {{^shipments}}<p class="hint" id="no-shipments">{{t.ui.track.noShipments}}</p>{{/shipments}}
          {{^empty(reports)}}<h2>{{t.ui.track.reports}}</h2><ul id="track-reports">{{#reports}}<li>{{number}} · {{kind}} · {{opened}} · {{status}}</li>{{/reports}}</ul>{{/empty(reports)}}
          <h2 id="report">{{t.ui.track.report}}</h2>
          <form method="post" action="{{reportAction}}" id="report-form">
            <label><span>{{t.ui.track.kind}}</span><select name="kind" id="report-kind">{{#kinds}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/kinds}}</select></label>
            <label{{#descriptionError}} class="invalid"{{/descriptionError}}><span>{{t.ui.track.description}}</span><textarea name="description" id="report-description" rows="4" maxlength="1000" required>{{description}}</textarea>{{#descriptionError}}<small class="error" id="report-description-error">{{descriptionError}}</small>{{/descriptionError}}</label>
            <label{{#contactError}} class="invalid"{{/contactError}}><span>{{t.ui.track.contact}}</span><input name="contact" id="report-contact" value="{{contact}}" maxlength="100" type="tel">{{#contactError}}<small class="error">{{contactError}}</small>{{/contactError}}</label>
            <p><button type="submit" class="primary" id="report-submit">{{t.ui.track.send}}</button></p>
          </form>
          <p class="langs"><a href="{{zhHref}}">中文</a> · <a href="{{enHref}}">English</a></p>
        </section>
        {{/page}}
        {{/content}}
        {{/layout}}
        """

    /// `ExceptionsPageModel`: the open exceptions, worst first.
    static let exceptions = """
        {{<layout}}
        {{$title}}{{t.ui.exceptions.title}}{{/title}}
        {{$content}}
        {{#page}}
        <h1 id="page-title">{{t.ui.exceptions.title}}</h1>
        <p class="hint">{{t.ui.exceptions.hint}}</p>
        <div class="table-scroll">
        <table class="grid" id="exceptions"><thead><tr><th>{{t.ui.exceptions.number}}</th><th>{{t.ui.field.number}}</th><th>{{t.ui.field.customer}}</th><th>{{t.ui.exceptions.kind}}</th><th>{{t.ui.exceptions.severity}}</th><th>{{t.ui.exceptions.source}}</th><th>{{t.ui.exceptions.description}}</th><th>{{t.ui.exceptions.contact}}</th><th>{{t.ui.exceptions.owner}}</th><th>{{t.ui.exceptions.opened}}</th><th>{{t.ui.exceptions.due}}</th></tr></thead>
        <tbody>{{#rows}}<tr data-exception="{{number}}"><td><a href="{{href}}" class="exception-link">{{number}}</a></td><td><a href="{{orderHref}}">{{order}}</a></td><td>{{customer}}</td><td>{{kind}}</td><td><span class="status" data-severity="{{severityKey}}">{{severity}}</span></td><td>{{source}}</td><td>{{description}}</td><td>{{contact}}</td><td>{{owner}}</td><td>{{opened}}</td><td{{#overdue}} class="late"{{/overdue}}>{{due}}{{#overdue}} · {{t.ui.board.standing.late}}{{/overdue}}</td></tr>{{/rows}}
        {{^rows}}<tr><td colspan="11" class="empty">{{t.ui.exceptions.none}}</td></tr>{{/rows}}</tbody></table>
        </div>
        {{/page}}
        {{/content}}
        {{/layout}}
        """

    /// `BoardPageModel.Card`.
    static let boardCard = """
        <a class="board-card" href="{{href}}" data-standing="{{standing}}" data-order="{{number}}">
          <span class="card-top"><strong>{{number}}</strong>{{#urgent}} <span class="status urgent">{{t.ui.order.urgent}}</span>{{/urgent}}{{#held}} <span class="status" data-status="on_hold">{{held}}</span>{{/held}}</span>
          <span class="card-customer">{{customer}}</span>
          <span class="card-meta"><span class="type" data-type="{{typeKey}}">{{type}}</span> · {{t.ui.order.promised}} {{promised}}</span>
          <span class="card-left"><span class="dot" aria-hidden="true"></span><span class="offscreen">{{standingLabel}}：</span>{{left}}</span>
        </a>
        """

    /// `BoardPageModel`.
    static let board = """
        {{<layout}}
        {{$title}}{{t.ui.board.title}}{{/title}}
        {{$head}}{{#page}}<meta http-equiv="refresh" content="{{refreshSeconds}};url={{selfHref}}">{{/page}}{{/head}}
        {{$content}}
        {{#page}}
        <h1 id="page-title">{{t.ui.board.title}}</h1>
        <form method="get" action="{{action}}" class="filters" id="board-filter">
          <label><span>{{t.ui.field.warehouse}}</span><select name="warehouse" id="board-warehouse">{{#warehouses}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/warehouses}}</select></label>
          <label><span>{{t.ui.board.customerCode}}</span><input name="customer" id="board-customer" value="{{customer}}" maxlength="40"></label>
          <label><span>{{t.ui.field.type}}</span><select name="type" id="board-type">{{#types}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/types}}</select></label>
          <button type="submit">{{t.ui.ship.filter}}</button>{{#filtered}} <a href="{{clearHref}}" id="board-clear">{{t.ui.board.clear}}</a>{{/filtered}}
        </form>
        <p class="hint legend"><span class="key" data-standing="on_track"></span>{{t.ui.board.standing.on_track}} <span class="key" data-standing="at_risk"></span>{{t.ui.board.standing.at_risk}} <span class="key" data-standing="late"></span>{{t.ui.board.standing.late}} · {{t.ui.board.refreshed}} {{refreshedAt}} · <a href="#overdue">{{t.ui.board.overdue}} ({{overdueCount}})</a> · <a href="{{penaltiesHref}}" id="penalties-link">{{t.ui.sla.title}}</a> · <a href="{{exceptionsHref}}" id="exceptions-link">{{t.ui.board.exceptions}}</a></p>
        <div class="board" id="board">
        {{#columns}}
          <section class="board-column" data-column="{{key}}" aria-label="{{label}}">
            <h2>{{label}} <span class="badge">{{count}}</span></h2>
            {{#cards}}{{>boardCard}}{{/cards}}
            {{^cards}}<p class="empty">{{t.ui.board.emptyColumn}}</p>{{/cards}}
            {{#more}}<p class="hint more">{{more}}</p>{{/more}}
          </section>
        {{/columns}}
        </div>
        <h2 id="overdue">{{t.ui.board.overdue}} <span class="badge">{{overdueCount}}</span></h2>
        <div class="table-scroll">
        <table class="grid" id="overdue-list"><thead><tr><th>{{t.ui.field.number}}</th><th>{{t.ui.field.customer}}</th><th>{{t.ui.field.type}}</th><th>{{t.ui.field.status}}</th><th>{{t.ui.order.promised}}</th><th class="num">{{t.ui.board.late}}</th><th>{{t.ui.board.serviceDue}}</th><th class="num">{{t.ui.field.total}}</th></tr></thead>
        <tbody>{{#overdue}}<tr data-order="{{number}}"><td><a href="{{href}}">{{number}}</a>{{#urgent}} <span class="status urgent">{{t.ui.order.urgent}}</span>{{/urgent}}</td><td>{{customer}}</td><td>{{type}}</td><td><span class="status" data-status="{{statusKey}}">{{status}}</span></td><td>{{promised}}</td><td class="num late">{{left}}</td><td>{{serviceDue}}</td><td class="num">{{total}}</td></tr>{{/overdue}}
        {{^overdue}}<tr><td colspan="8" class="empty">{{t.ui.board.noOverdue}}</td></tr>{{/overdue}}</tbody></table>
        </div>
        {{#overdueMore}}<p class="hint">{{overdueMore}}</p>{{/overdueMore}}
        {{/page}}
        {{/content}}
        {{/layout}}
        """

    /// `PenaltiesPageModel`.
    static let penalties = """
        {{<layout}}
        {{$title}}{{t.ui.sla.title}}{{/title}}
        {{$content}}
        {{#page}}
        <h1 id="page-title">{{t.ui.sla.title}}</h1>
        <form method="get" action="{{action}}" class="filters" id="month-filter">
          <a href="{{previousHref}}" id="previous-month">‹ {{t.ui.sla.previous}}</a>
          <label><span>{{t.ui.sla.month}}</span><input type="month" name="month" id="month" value="{{month}}"></label>
          <button type="submit">{{t.ui.ship.filter}}</button>
          <a href="{{nextHref}}" id="next-month">{{t.ui.sla.next}} ›</a>
        </form>
        <p class="hint">{{hint}}</p>
        <div class="figures" id="penalty-sums">
          <div class="figure"><span class="label">{{t.ui.sla.count}}</span><span class="count">{{count}}</span></div>
          <div class="figure"><span class="label">{{t.ui.sla.owed}}</span><span class="amount" id="owed">{{owed}}</span></div>
          <div class="figure"><span class="label">{{t.ui.sla.exempt}}</span><span class="amount" id="exempted">{{exempt}}</span></div>
        </div>
        <div class="table-scroll">
        <table class="grid" id="penalties"><thead><tr><th>{{t.ui.field.number}}</th><th>{{t.ui.field.customer}}</th><th>{{t.ui.field.type}}</th><th>{{t.ui.sla.confirmed}}</th><th>{{t.ui.board.serviceDue}}</th><th>{{t.ui.sla.lateLines}}</th><th class="num">{{t.ui.sla.base}}</th><th class="num">{{t.ui.sla.rate}}</th><th class="num">{{t.ui.sla.amount}}</th><th>{{t.ui.field.status}}</th></tr></thead>
        <tbody>{{#rows}}<tr data-order="{{order}}">
          <td><a href="{{orderHref}}">{{order}}</a></td><td>{{customer}}</td><td>{{type}}</td><td>{{confirmed}}</td><td>{{due}}</td><td>{{lines}}</td>
          <td class="num">{{base}}</td><td class="num">{{rate}}</td><td class="num">{{amount}}</td>
          <td><span class="status" data-status="penalty-{{statusKey}}">{{status}}</span>{{#exemption}}<br><small class="hint">{{exemption}}</small>{{/exemption}}
            {{#error}}<p class="alert" role="alert">{{error}}</p>{{/error}}
            {{#exemptAction}}<form method="post" action="{{exemptAction}}" class="exempt-form"><input type="hidden" name="_csrf" value="{{csrf}}"><input type="hidden" name="version" value="{{version}}"><input type="hidden" name="month" value="{{month}}">
              <input name="note" maxlength="500" required placeholder="{{t.ui.sla.notePlaceholder}}" aria-label="{{t.ui.sla.note}}"> <button type="submit">{{t.ui.sla.exemptButton}}</button></form>{{/exemptAction}}</td></tr>{{/rows}}
        {{^rows}}<tr><td colspan="10" class="empty">{{t.ui.sla.none}}</td></tr>{{/rows}}</tbody></table>
        </div>
        {{/page}}
        {{/content}}
        {{/layout}}
        """

    /// `DeliveriesPageModel`.
    static let deliveries = """
        {{<layout}}
        {{$title}}{{t.ui.notify.title}}{{/title}}
        {{$content}}
        {{#page}}
        <h1 id="page-title">{{t.ui.notify.title}}</h1>
        <nav class="tabs" id="delivery-tabs">{{#tabs}}<a href="{{href}}" data-status="{{key}}"{{#current}} aria-current="page"{{/current}}>{{label}} <span class="badge">{{count}}</span></a>{{/tabs}}{{#webhooksHref}}<a href="{{webhooksHref}}" id="webhooks-link">{{t.ui.webhook.title}}</a>{{/webhooksHref}}</nav>
        {{#error}}<p class="alert" role="alert" id="delivery-error">{{error}}</p>{{/error}}
        <p class="hint">{{hint}}</p>
        <div class="table-scroll">
        <table class="grid" id="deliveries"><thead><tr><th>{{t.ui.notify.created}}</th><th>{{t.ui.notify.topic}}</th><th>{{t.ui.field.number}}</th><th>{{t.ui.notify.via}}</th><th>{{t.ui.notify.recipient}}</th><th class="num">{{t.ui.notify.attempts}}</th>{{#showNext}}<th>{{t.ui.notify.next}}</th>{{/showNext}}{{#showDelivered}}<th>{{t.ui.notify.delivered}}</th>{{/showDelivered}}<th>{{t.ui.notify.lastError}}</th><th></th></tr></thead>
        <tbody>{{#rows}}<tr data-delivery="{{id}}">
          <td>{{created}}</td><td>{{topic}}</td><td>{{#orderHref}}<a href="{{orderHref}}">{{order}}</a>{{/orderHref}}{{^orderHref}}{{order}}{{/orderHref}}</td><td>{{channel}}</td><td class="recipient">{{recipient}}</td><td class="num">{{attempts}}</td>
          {{#showNext}}<td>{{next}}</td>{{/showNext}}{{#showDelivered}}<td>{{delivered}}</td>{{/showDelivered}}<td class="error-text" title="{{errorDetail}}">{{lastError}}</td>
          <td>{{#redeliverAction}}<form method="post" action="{{redeliverAction}}" class="inline"><input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit" class="redeliver">{{t.ui.notify.redeliver}}</button></form>{{/redeliverAction}}</td></tr>{{/rows}}
        {{^rows}}<tr><td colspan="9" class="empty">{{t.ui.notify.none}}</td></tr>{{/rows}}</tbody></table>
        </div>
        {{/page}}
        {{/content}}
        {{/layout}}
        """

    /// `WebhooksPageModel.FormPart`.
    static let webhookForm = """
        {{#form}}
        <form method="post" action="{{action}}" class="panel" id="webhook-form"><input type="hidden" name="_csrf" value="{{csrf}}">{{#version}}<input type="hidden" name="version" value="{{version}}">{{/version}}
          <h2>{{title}}</h2>
          {{#error}}<p class="alert" role="alert" id="webhook-error">{{error}}</p>{{/error}}
          <label><span>{{t.ui.field.name}}</span><input name="name" id="webhook-name" value="{{name}}" maxlength="100" required></label>
          <label><span>{{t.ui.field.url}}</span><input name="url" id="webhook-url" value="{{url}}" maxlength="500" required placeholder="https://"></label>
          <fieldset class="topics"><legend>{{t.ui.field.topics}}</legend>
            <p class="hint wide">{{t.ui.webhook.topicsHint}}</p>
            {{#topics}}<label class="check"><input type="checkbox" name="topics" value="{{value}}"{{#selected}} checked{{/selected}}> {{label}}</label>{{/topics}}
          </fieldset>
          <label class="check"><input type="checkbox" name="active" id="webhook-active" value="1"{{#active}} checked{{/active}}> {{t.ui.webhook.active}}</label>
          <p class="toolbar"><button type="submit" class="primary" id="webhook-save">{{submit}}</button></p>
        </form>
        {{#secret}}<section class="panel" id="webhook-secret"><h2>{{t.ui.webhook.secret}}</h2><p class="hint">{{t.ui.webhook.secretHint}}</p><p><code id="secret">{{secret}}</code></p>
          {{#rotateAction}}<form method="post" action="{{rotateAction}}"><input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit" id="rotate-secret">{{t.ui.webhook.rotate}}</button></form>{{/rotateAction}}</section>{{/secret}}
        {{/form}}
        """

    /// `WebhooksPageModel`: the list and the new subscription's form.
    static let webhooks = """
        {{<layout}}
        {{$title}}{{t.ui.webhook.title}}{{/title}}
        {{$content}}
        {{#page}}
        <p><a href="{{notificationsHref}}">‹ {{t.ui.notify.title}}</a></p>
        <h1 id="page-title">{{t.ui.webhook.title}}</h1>
        <p class="hint">{{t.ui.webhook.hint}}</p>
        <div class="table-scroll">
        <table class="grid" id="webhooks"><thead><tr><th>{{t.ui.field.name}}</th><th>{{t.ui.field.url}}</th><th>{{t.ui.field.topics}}</th><th>{{t.ui.field.status}}</th></tr></thead>
        <tbody>{{#rows}}<tr><td><a href="{{href}}">{{name}}</a></td><td class="recipient">{{url}}</td><td>{{topics}}</td><td><span class="status" data-status="webhook-{{activeKey}}">{{active}}</span></td></tr>{{/rows}}
        {{^rows}}<tr><td colspan="4" class="empty">{{t.ui.webhook.none}}</td></tr>{{/rows}}</tbody></table>
        </div>
        {{>webhookForm}}
        {{/page}}
        {{/content}}
        {{/layout}}
        """

    /// `WebhooksPageModel`: one subscription, its form and its secret.
    static let webhook = """
        {{<layout}}
        {{$title}}{{page.form.title}}{{/title}}
        {{$content}}
        {{#page}}
        <p><a href="{{notificationsHref}}">‹ {{t.ui.webhook.title}}</a></p>
        {{>webhookForm}}
        {{/page}}
        {{/content}}
        {{/layout}}
        """

    static let css = """
        .board { display: grid; grid-auto-flow: column; grid-auto-columns: minmax(155px, 1fr); gap: .6rem; overflow-x: auto; padding-bottom: .5rem; }
        .board-column { background: #eef2f6; border-radius: 6px; padding: .5rem; min-height: 6rem; }
        .board-column h2 { font-size: .95rem; margin: 0 0 .5rem; display: flex; justify-content: space-between; align-items: center; }
        .board-card { display: flex; flex-direction: column; gap: .1rem; background: #fff; border: 1px solid var(--line); border-left: 5px solid #12b76a; border-radius: 5px; padding: .4rem .55rem; margin-bottom: .45rem; color: var(--ink); text-decoration: none; font-size: .88rem; }
        .board-card:hover, .board-card:focus { box-shadow: 0 1px 4px rgba(16,24,40,.15); }
        .board-card[data-standing="at_risk"] { border-left-color: #f79009; background: #fffcf5; }
        .board-card[data-standing="late"] { border-left-color: #d92d20; background: #fff8f7; }
        .board-card[data-standing="finished"] { border-left-color: #98a2b3; }
        .board-card .card-customer { color: var(--muted); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
        .board-card .card-meta { color: var(--muted); font-size: .8rem; }
        .board-card .card-left { font-weight: 600; font-size: .85rem; }
        .board-card[data-standing="late"] .card-left { color: #b42318; }
        .board-card[data-standing="at_risk"] .card-left { color: #b54708; }
        .legend .key { display: inline-block; width: .8rem; height: .8rem; border-radius: 2px; margin: 0 .25rem 0 .5rem; vertical-align: -1px; background: #12b76a; }
        .legend .key[data-standing="at_risk"] { background: #f79009; }
        .legend .key[data-standing="late"] { background: #d92d20; }
        td.late { color: #b42318; font-weight: 600; }
        .exempt-form { display: flex; gap: .3rem; margin-top: .3rem; }
        .exempt-form input { min-width: 10rem; }
        .status[data-status="penalty-recorded"] { background: #fef3f2; color: #b42318; }
        .status[data-status="penalty-exempt"] { background: #f2f4f7; color: #344054; }
        .status[data-status="webhook-active"] { background: #ecfdf3; color: #067647; }
        td.recipient { word-break: break-all; }
        td.error-text { color: var(--brand); font-size: .85rem; max-width: 22rem; }
        fieldset.topics label.check { margin: .2rem 0; }
        @media (max-width: 600px) { .board { grid-auto-columns: 80%; } }
        .track-page { max-width: 640px; margin: 1rem auto; }
        .track-page h1 { font-size: 1.3rem; margin: 0 0 .25rem; word-break: break-all; }
        .track-page h2 { font-size: 1.05rem; margin: 1.25rem 0 .5rem; }
        .phase { font-size: 1.15rem; font-weight: 600; color: var(--ok); margin: 0 0 .75rem; }
        .phase[data-phase="cancelled"], .phase[data-phase="paused"] { color: var(--muted); }
        ol.steps { list-style: none; display: flex; padding: 0; margin: .5rem 0 1rem; gap: .25rem; }
        ol.steps li { flex: 1; display: flex; flex-direction: column; font-size: .85rem; color: var(--muted); border-top: 4px solid var(--line); padding-top: .35rem; }
        ol.steps li.done { border-top-color: #12b76a; color: var(--ink); }
        ol.steps li.current .step-label { font-weight: 700; }
        .step-time { font-size: .78rem; color: var(--muted); }
        .track-shipment { border: 1px solid var(--line); border-radius: 6px; padding: .5rem .75rem; margin-bottom: .75rem; }
        .track-shipment p { margin: .2rem 0; }
        ul.track-events { list-style: none; padding: 0; margin: .25rem 0 0; font-size: .88rem; }
        ul.track-events li { padding: .15rem 0; border-top: 1px dashed var(--line); }
        .tracking-number { font-family: ui-monospace, monospace; word-break: break-all; }
        .track-page textarea { max-width: none; }
        .status[data-severity="critical"], .status[data-severity="high"] { background: #fef3f2; color: #b42318; }
        .status[data-severity="normal"] { background: #fffaeb; color: #b54708; }
        """
}
