/// The tracking pages' templates: the kanban board with its overdue list, the month's penalties, the notification
/// deliveries and the webhook subscriptions.
enum TrackingTemplates {
    static let all: [String: String] = [
        "board": board, "boardCard": boardCard, "penalties": penalties, "deliveries": deliveries, "webhooks": webhooks, "webhook": webhook,
        "webhookForm": webhookForm,
    ]

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
        <p class="hint legend"><span class="key" data-standing="on_track"></span>{{t.ui.board.standing.on_track}} <span class="key" data-standing="at_risk"></span>{{t.ui.board.standing.at_risk}} <span class="key" data-standing="late"></span>{{t.ui.board.standing.late}} · {{t.ui.board.refreshed}} {{refreshedAt}} · <a href="#overdue">{{t.ui.board.overdue}} ({{overdueCount}})</a> · <a href="{{penaltiesHref}}" id="penalties-link">{{t.ui.sla.title}}</a></p>
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
        """
}
