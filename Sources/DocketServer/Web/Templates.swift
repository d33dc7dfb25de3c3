/// The page templates (Mustache: every `{{value}}` is HTML-escaped, in text and in attributes alike).
/// One base layout; each page fills its `title` and `content` blocks.
enum Templates {
    static let all: [String: String] = [
        "field": field, "pager": pager, "layout": layout, "dashboardPanel": dashboardPanel, "queuePanel": queuePanel, "login": login, "home": home, "list": list, "form": form, "error": error,
        "tokens": tokens, "tabBar": tabBar, "locations": locations, "stockLot": stockLot, "shortages": shortages, "transfers": transfers, "purchasing": purchasing, "purchaseOrder": purchaseOrder, "production": production, "productionOrder": productionOrder, "order": OrderTemplates.order, "orders": OrderTemplates.orders,
        "orderHeader": OrderTemplates.orderHeader, "orderLines": OrderTemplates.orderLines, "reviewPanel": OrderTemplates.reviewPanel, "allocationPanel": OrderTemplates.allocationPanel,
        "confirmationPanel": OrderTemplates.confirmationPanel, "changePanel": OrderTemplates.changePanel,
        "orderHistory": OrderTemplates.orderHistory,
        "orderEntry": OrderTemplates.entry, "orderImport": OrderTemplates.importPage, "confirm": OrderTemplates.confirm,
    ]

    /// `ListPageModel.TabBar`: the tabs of a group of pages (the stock pages), the current one marked.
    static let tabBar = """
        {{#tabBar}}<nav class="tabs" id="tabs">{{#tabs}}<a href="{{href}}"{{#current}} aria-current="page"{{/current}}>{{label}}</a>{{/tabs}}</nav>{{/tabBar}}
        """

    /// `PagerModel`: a list's range, previous and next, page numbers and sizes.
    static let pager = """
        <nav class="pager"><span>{{range}}</span>{{#previous}}<a href="{{previous}}" rel="prev">‹ {{t.ui.list.previous}}</a>{{/previous}}{{#pages}}{{#current}}<strong class="page-current">{{number}}</strong>{{/current}}{{^current}}<a href="{{href}}" class="page">{{number}}</a>{{/current}}{{/pages}}{{#next}}<a href="{{next}}" rel="next">{{t.ui.list.next}} ›</a>{{/next}}<span class="sizes">{{t.ui.list.perPage}}{{#sizes}} {{#current}}<strong>{{size}}</strong>{{/current}}{{^current}}<a href="{{href}}" class="page-size">{{size}}</a>{{/current}}{{/sizes}}</span></nav>
        """

    /// One labelled input of a record form, its problem beside it.
    static let field = """
        <label class="field{{#error}} invalid{{/error}}{{#checkbox}} check{{/checkbox}}{{#multiline}} wide{{/multiline}}">
          <span>{{label}}{{#required}} *{{/required}}</span>
          {{#checkbox}}<input type="checkbox" name="{{name}}" id="{{id}}" value="on"{{#checked}} checked{{/checked}}>{{/checkbox}}
          {{#select}}<select name="{{name}}" id="{{id}}">{{#options}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/options}}</select>{{/select}}
          {{#multiline}}<textarea name="{{name}}" id="{{id}}" rows="6">{{value}}</textarea>{{/multiline}}
          {{#plain}}<input type="{{inputType}}" name="{{name}}" id="{{id}}" value="{{value}}"{{#readonly}} readonly{{/readonly}}{{#list}} list="{{list}}" autocomplete="off"{{/list}}{{#placeholder}} placeholder="{{placeholder}}"{{/placeholder}}>{{/plain}}
          {{#error}}<small class="error" id="{{id}}-error">{{error}}</small>{{/error}}
        </label>
        """

    static let locations = """
        {{<layout}}
        {{$title}}{{#page}}{{title}}{{/page}}{{/title}}
        {{$content}}
        {{#page}}
        <h1 id="page-title">{{title}}</h1>
        <table class="grid">
          <thead><tr><th>{{t.ui.field.code}}</th><th>{{t.ui.field.name}}</th><th>{{t.ui.field.zone}}</th><th>{{t.ui.field.active}}</th></tr></thead>
          <tbody>
          {{#locations}}<tr><td>{{code}}</td><td>{{name}}</td><td>{{zone}}</td><td>{{active}}</td></tr>{{/locations}}
          {{^locations}}<tr><td colspan="4" class="empty">{{t.ui.list.empty}}</td></tr>{{/locations}}
          </tbody>
        </table>
        {{#add}}
        <form method="post" action="{{action}}" class="toolbar">
          <input type="hidden" name="_csrf" value="{{csrf}}">
          <input name="code" id="location-code" value="{{code}}" placeholder="{{t.ui.field.code}} A-01-01" aria-label="{{t.ui.field.code}}" required>
          <input name="name" value="{{name}}" placeholder="{{t.ui.field.name}}" aria-label="{{t.ui.field.name}}">
          <input name="zone" value="{{zone}}" placeholder="{{t.ui.field.zone}}" aria-label="{{t.ui.field.zone}}">
          <button type="submit" class="primary" id="add-location">{{t.ui.locations.add}}</button>
        </form>
        {{^empty(problems)}}<div class="alert" role="alert" id="location-errors"><ul>{{#problems}}<li>{{.}}</li>{{/problems}}</ul></div>{{/empty(problems)}}
        {{/add}}
        <p><a href="{{route.warehouses}}">‹ {{t.ui.warehouses.title}}</a></p>
        {{/page}}
        {{/content}}
        {{/layout}}
        """

    /// `StockLotPageModel`: a lot's figures, its ledger, and for the warehouse the adjustment and quarantine forms.
    static let stockLot = """
        {{<layout}}
        {{$title}}{{page.title}}{{/title}}
        {{$content}}
        {{#page}}
        <h1 id="page-title">{{title}} {{#quarantined}}<span class="status" data-status="on_hold" id="lot-quarantined">{{t.ui.stock.quarantined}}</span>{{/quarantined}}</h1>
        <div class="figures" id="lot-facts">{{#facts}}<div class="figure"><span class="label">{{label}}</span><span class="amount">{{value}}</span></div>{{/facts}}</div>
        {{#manage}}
        <div class="split">
        <form method="post" action="{{adjustAction}}" class="panel" id="adjust-form" novalidate>
          <h2>{{t.ui.stock.adjust}}</h2>
          <p class="hint">{{t.ui.stock.adjustHint}}</p>
          <input type="hidden" name="_csrf" value="{{csrf}}"><input type="hidden" name="version" value="{{version}}">
          <label{{#quantityError}} class="invalid"{{/quantityError}}><span>{{t.ui.field.adjustQuantity}}</span><input name="quantity" id="adjust-quantity" value="{{quantity}}" inputmode="numeric">{{#quantityError}}<small class="error" id="adjust-quantity-error">{{quantityError}}</small>{{/quantityError}}</label>
          <label{{#reasonError}} class="invalid"{{/reasonError}}><span>{{t.ui.field.reason}}</span><input name="reason" id="adjust-reason" value="{{reason}}">{{#reasonError}}<small class="error" id="adjust-reason-error">{{reasonError}}</small>{{/reasonError}}</label>
          <button type="submit" class="primary" id="adjust">{{t.ui.stock.adjust}}</button>
        </form>
        <form method="post" action="{{quarantineAction}}" class="panel" id="quarantine-form">
          <h2>{{#quarantined}}{{t.ui.stock.release}}{{/quarantined}}{{^quarantined}}{{t.ui.stock.quarantine}}{{/quarantined}}</h2>
          <input type="hidden" name="_csrf" value="{{csrf}}">
          {{^quarantined}}<input type="hidden" name="quarantined" value="on">{{/quarantined}}
          <label><span>{{t.ui.stock.quarantineReason}}</span><input name="quarantineReason" id="quarantine-reason"></label>
          {{#quarantineErrors}}<small class="error" id="quarantine-error">{{quarantineErrors}}</small>{{/quarantineErrors}}
          <button type="submit" id="quarantine">{{#quarantined}}{{t.ui.stock.release}}{{/quarantined}}{{^quarantined}}{{t.ui.stock.quarantine}}{{/quarantined}}</button>
        </form>
        </div>
        {{/manage}}
        <h2>{{t.ui.stock.movements}}</h2>
        <div class="table-scroll">
        <table class="grid" id="lot-movements">
          <thead><tr>{{#columns}}<th{{#num}} class="num"{{/num}}>{{label}}</th>{{/columns}}</tr></thead>
          <tbody>{{#movements}}<tr>{{#cells}}<td{{#num}} class="num"{{/num}}>{{#link}}<a href="{{link}}">{{text}}</a>{{/link}}{{^link}}{{text}}{{/link}}</td>{{/cells}}</tr>{{/movements}}</tbody>
        </table>
        </div>
        <p><a href="{{backHref}}">‹ {{t.ui.stock.title}}</a></p>
        {{/page}}
        {{/content}}
        {{/layout}}
        """

    /// `ShortagesPageModel`: the short lines in priority order and the ways to cover each.
    static let shortages = """
        {{<layout}}
        {{$title}}{{t.ui.shortages.title}}{{/title}}
        {{$content}}
        {{#page}}
        <h1 id="page-title">{{t.ui.shortages.title}}</h1>
        {{>tabBar}}
        <p class="hint">{{t.ui.shortages.hint}}</p>
        {{#error}}<p class="error-summary" role="alert" id="shortage-error">{{error}}</p>{{/error}}
        <div class="table-scroll">
        <table class="grid" id="shortages">
          <thead><tr><th>{{t.ui.field.number}}</th><th>{{t.ui.field.customer}}</th><th>{{t.ui.order.promised}}</th><th>{{t.ui.field.sku}}</th><th class="num">{{t.ui.field.quantity}}</th><th class="num">{{t.ui.allocation.allocated}}</th><th class="num">{{t.ui.allocation.short}}</th><th>{{t.ui.shortages.options}}</th></tr></thead>
          <tbody>{{#lines}}<tr>
            <td><a href="{{href}}">{{number}}</a>{{#urgent}} <span class="status urgent">{{type}}</span>{{/urgent}}</td><td>{{customer}}</td><td>{{promised}}</td><td>{{sku}}</td>
            <td class="num">{{quantity}}</td><td class="num">{{allocated}}</td><td class="num"><strong>{{short}}</strong></td>
            <td>{{#hasDecisions}}<div class="decisions"><strong>{{t.ui.shortages.chosen}}</strong><ul class="picks">{{/hasDecisions}}{{#decisions}}<li class="decision">{{text}}{{#reference}} · {{#href}}<a href="{{href}}">{{text}}</a>{{/href}}{{^href}}{{text}}{{/href}}{{/reference}} · {{who}} · {{when}}{{#reason}} · {{reason}}{{/reason}}</li>{{/decisions}}{{#hasDecisions}}</ul></div>{{/hasDecisions}}
              <ul class="picks">{{#options}}<li>{{.}}</li>{{/options}}</ul>
              {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
              {{#decide}}<form method="post" action="{{action}}" class="toolbar shortage-decision">
                <input type="hidden" name="_csrf" value="{{csrf}}"><input type="hidden" name="orderId" value="{{orderID}}"><input type="hidden" name="lineId" value="{{lineID}}"><input type="hidden" name="decided" value="{{decided}}">
                <input name="reason" placeholder="{{t.ui.shortages.reason}}" aria-label="{{t.ui.shortages.reason}}">
                {{#needsConsent}}<input name="consent" placeholder="{{t.ui.shortages.consent}}" aria-label="{{t.ui.shortages.consent}}">{{/needsConsent}}
                {{#buttons}}<button type="submit" name="option" value="{{value}}">{{label}}</button>{{/buttons}}
              </form>{{/decide}}</td>
          </tr>{{/lines}}
          {{^lines}}<tr><td colspan="8" class="empty" id="no-shortages">{{t.ui.shortages.none}}</td></tr>{{/lines}}
          </tbody>
        </table>
        </div>
        {{/page}}
        {{/content}}
        {{/layout}}
        """

    /// `TransfersPageModel`: transfers, newest first, with their steps.
    static let transfers = """
        {{<layout}}
        {{$title}}{{t.ui.transfers.title}}{{/title}}
        {{$content}}
        {{#page}}
        <h1 id="page-title">{{t.ui.transfers.title}}</h1>
        {{>tabBar}}
        <p class="hint">{{t.ui.transfers.hint}}</p>
        {{#error}}<p class="error-summary" role="alert" id="transfer-error">{{error}}</p>{{/error}}
        <div class="table-scroll">
        <table class="grid" id="transfers">
          <thead><tr><th>{{t.ui.transfers.number}}</th><th>{{t.ui.field.product}}</th><th>{{t.ui.transfers.from}}</th><th>{{t.ui.transfers.to}}</th><th class="num">{{t.ui.field.quantity}}</th><th>{{t.ui.field.status}}</th><th>{{t.ui.transfers.eta}}</th><th>{{t.ui.transfers.forOrder}}</th><th>{{t.ui.field.who}}</th><th></th></tr></thead>
          <tbody>{{#rows}}<tr id="transfer-{{id}}">
            <td>{{number}}</td><td>{{product}}</td><td>{{from}}</td><td>{{to}}</td><td class="num">{{quantity}}</td>
            <td><span class="status" data-status="{{statusKey}}">{{status}}</span></td><td>{{eta}}</td>
            <td>{{#order}}<a href="{{href}}">{{text}}</a>{{/order}}{{^order}}—{{/order}}</td><td>{{by}}</td>
            <td>{{#actions}}<form method="post" action="{{href}}" class="inline"><input type="hidden" name="_csrf" value="{{csrf}}"><input type="hidden" name="version" value="{{version}}"><button type="submit" class="transfer-{{key}}">{{label}}</button></form>{{/actions}}</td>
          </tr>{{/rows}}
          {{^rows}}<tr><td colspan="10" class="empty">{{t.ui.transfers.none}}</td></tr>{{/rows}}
          </tbody>
        </table>
        </div>
        {{/page}}
        {{/content}}
        {{/layout}}
        """

    /// `PurchasingPageModel`: what to buy and the purchase orders.
    static let purchasing = """
        {{<layout}}
        {{$title}}{{t.ui.purchasing.title}}{{/title}}
        {{$content}}
        {{#page}}
        <h1 id="page-title">{{t.ui.purchasing.title}}</h1>
        {{>tabBar}}
        {{#error}}<p class="error-summary" role="alert">{{error}}</p>{{/error}}
        <h2>{{t.ui.purchasing.suggestions}}</h2>
        <p class="hint">{{t.ui.purchasing.hint}}</p>
        <div class="table-scroll">
        <table class="grid" id="suggestions">
          <thead><tr><th>{{t.ui.field.product}}</th><th>{{t.ui.field.supplier}}</th><th>{{t.ui.purchasing.leadTime}}</th><th class="num">{{t.ui.purchasing.waiting}}</th><th class="num">{{t.ui.purchasing.onOrder}}</th><th class="num">{{t.ui.purchasing.demand}}</th><th class="num">{{t.ui.purchasing.suggested}}</th><th></th></tr></thead>
          <tbody>{{#suggestions}}<tr>
            <td>{{product}}</td><td>{{supplier}}</td><td>{{leadTime}}</td><td class="num">{{waiting}}</td><td class="num">{{onOrder}}</td><td class="num">{{demand}}</td><td class="num"><strong>{{suggested}}</strong></td>
            <td>{{#order}}<form method="post" action="{{action}}" class="toolbar shortage-decision"><input type="hidden" name="_csrf" value="{{csrf}}"><input type="hidden" name="sku" value="{{sku}}"><input type="hidden" name="supplierCode" value="{{supplierCode}}">
              <input name="quantity" value="{{suggested}}" inputmode="numeric" size="8" aria-label="{{t.ui.field.quantity}}">
              <select name="warehouseCode" aria-label="{{t.ui.field.warehouse}}">{{#warehouses}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/warehouses}}</select>
              <button type="submit" class="primary">{{t.ui.purchasing.order}}</button></form>{{/order}}
              {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}</td>
          </tr>{{/suggestions}}
          {{^suggestions}}<tr><td colspan="8" class="empty" id="no-suggestions">{{t.ui.purchasing.noSuggestions}}</td></tr>{{/suggestions}}
          </tbody>
        </table>
        </div>
        <h2>{{t.ui.purchasing.orders}}</h2>
        <div class="table-scroll">
        <table class="grid" id="purchase-orders">
          <thead><tr><th>{{t.ui.purchasing.number}}</th><th>{{t.ui.field.supplier}}</th><th>{{t.ui.field.warehouse}}</th><th>{{t.ui.purchasing.lines}}</th><th class="num">{{t.ui.purchasing.received}}</th><th>{{t.ui.field.status}}</th><th>{{t.ui.purchasing.eta}}</th></tr></thead>
          <tbody>{{#orders}}<tr><td><a href="{{href}}">{{number}}</a></td><td>{{supplier}}</td><td>{{warehouse}}</td><td>{{lines}}</td><td class="num">{{received}}</td><td><span class="status" data-status="{{statusKey}}">{{status}}</span></td><td>{{eta}}</td></tr>{{/orders}}
          {{^orders}}<tr><td colspan="7" class="empty">{{t.ui.purchasing.none}}</td></tr>{{/orders}}
          </tbody>
        </table>
        </div>
        {{/page}}
        {{/content}}
        {{/layout}}
        """

    /// `PurchaseOrderPageModel`: one purchase order and its delivery form.
    static let purchaseOrder = """
        {{<layout}}
        {{$title}}{{page.title}}{{/title}}
        {{$content}}
        {{#page}}
        <h1 id="page-title">{{title}} <span class="status" data-status="{{statusKey}}" id="po-status">{{status}}</span></h1>
        {{#error}}<p class="error-summary" role="alert" id="po-error">{{error}}</p>{{/error}}
        <div class="figures" id="po-facts">{{#facts}}<div class="figure"><span class="label">{{label}}</span><span class="amount">{{value}}</span></div>{{/facts}}{{#forOrder}}<div class="figure"><span class="label">{{t.ui.transfers.forOrder}}</span><span class="amount"><a href="{{href}}">{{text}}</a></span></div>{{/forOrder}}</div>
        {{#receive}}<form method="post" action="{{action}}" id="receive-form" novalidate>
        <input type="hidden" name="_csrf" value="{{csrf}}"><input type="hidden" name="version" value="{{version}}">
        {{/receive}}
        <div class="table-scroll">
        <table class="grid" id="po-lines">
          <thead><tr><th>{{t.ui.field.product}}</th><th class="num">{{t.ui.purchasing.ordered}}</th><th class="num">{{t.ui.purchasing.received}}</th><th class="num">{{t.ui.purchasing.outstanding}}</th>{{#receive}}<th class="num">{{t.ui.purchasing.arrived}}</th><th>{{t.ui.field.lot}}</th><th>{{t.ui.field.expiryDate}}</th>{{/receive}}</tr></thead>
          <tbody>{{#lines}}<tr><td>{{product}}</td><td class="num">{{quantity}}</td><td class="num">{{received}}</td><td class="num">{{outstanding}}</td>{{#receive}}<td class="num"><input name="quantity-{{id}}" value="{{typed.quantity}}" inputmode="numeric" size="8" aria-label="{{t.ui.purchasing.arrived}}"></td><td><input name="lot-{{id}}" value="{{typed.lot}}" size="12" aria-label="{{t.ui.field.lot}}"></td><td><input type="date" name="expiry-{{id}}" value="{{typed.expiry}}" aria-label="{{t.ui.field.expiryDate}}"></td>{{/receive}}</tr>{{/lines}}</tbody>
        </table>
        </div>
        {{#receive}}
        <p class="toolbar"><label>{{t.ui.field.location}} <select name="locationCode">{{#locations}}<option value="{{value}}">{{label}}</option>{{/locations}}</select></label>
        <button type="submit" class="primary" id="receive">{{t.ui.purchasing.receive}}</button></p>
        </form>
        {{/receive}}
        {{#cancel}}<form method="post" action="{{action}}" class="inline"><input type="hidden" name="_csrf" value="{{csrf}}"><input type="hidden" name="version" value="{{version}}"><button type="submit" id="cancel-po">{{t.ui.purchasing.cancel}}</button></form>{{/cancel}}
        <p><a href="{{backHref}}">‹ {{t.ui.purchasing.title}}</a></p>
        {{/page}}
        {{/content}}
        {{/layout}}
        """

    /// `ProductionPageModel`: lines to plan and open production orders.
    static let production = """
        {{<layout}}
        {{$title}}{{t.ui.production.title}}{{/title}}
        {{$content}}
        {{#page}}
        <h1 id="page-title">{{t.ui.production.title}}</h1>
        {{>tabBar}}
        {{#error}}<p class="error-summary" role="alert" id="production-error">{{error}}</p>{{/error}}
        <h2>{{t.ui.production.demand}}</h2>
        <p class="hint">{{t.ui.production.demandHint}}</p>
        <div class="table-scroll">
        <table class="grid" id="production-demand">
          <thead><tr><th>{{t.ui.field.number}}</th><th>{{t.ui.field.customer}}</th><th>{{t.ui.order.promised}}</th><th>{{t.ui.field.sku}}</th><th class="num">{{t.ui.field.quantity}}</th><th>{{t.ui.production.specification}}</th><th></th></tr></thead>
          <tbody>{{#demand}}<tr>
            <td><a href="{{href}}">{{number}}</a></td><td>{{customer}}</td><td>{{promised}}</td><td>{{sku}}</td><td class="num">{{quantity}}</td><td>{{specification}}</td>
            <td>{{#plan}}<form method="post" action="{{action}}" class="toolbar shortage-decision"><input type="hidden" name="_csrf" value="{{csrf}}">
              <input type="hidden" name="orderId" value="{{orderID}}"><input type="hidden" name="lineId" value="{{lineID}}"><input type="hidden" name="sku" value="{{sku}}"><input type="hidden" name="quantity" value="{{quantity}}"><input type="hidden" name="specification" value="{{specification}}">
              <select name="warehouseCode" aria-label="{{t.ui.field.warehouse}}">{{#warehouses}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/warehouses}}</select>
              <input type="date" name="dueDate" value="{{due}}" aria-label="{{t.ui.production.due}}">
              <input name="operations" placeholder="{{t.ui.production.operationsHint}}" aria-label="{{t.ui.production.operations}}">
              <input name="milestones" placeholder="{{t.ui.production.milestonesHint}}" aria-label="{{t.ui.production.milestones}}">
              <button type="submit" class="primary plan-production">{{t.ui.production.plan}}</button></form>{{/plan}}</td>
          </tr>{{/demand}}
          {{^demand}}<tr><td colspan="7" class="empty">{{t.ui.production.noDemand}}</td></tr>{{/demand}}
          </tbody>
        </table>
        </div>
        <h2>{{t.ui.production.orders}}</h2>
        <div class="table-scroll">
        <table class="grid" id="production-orders">
          <thead><tr><th>{{t.ui.production.number}}</th><th>{{t.ui.field.product}}</th><th class="num">{{t.ui.production.progress}}</th><th>{{t.ui.field.status}}</th><th>{{t.ui.production.due}}</th><th>{{t.ui.production.expected}}</th><th>{{t.ui.transfers.forOrder}}</th></tr></thead>
          <tbody>{{#orders}}<tr{{#late}} class="late"{{/late}}><td><a href="{{href}}">{{number}}</a></td><td>{{product}}</td><td class="num">{{progress}}</td>
            <td><span class="status" data-status="{{statusKey}}">{{status}}</span>{{#atRisk}} <span class="status urgent">{{t.ui.production.atRisk}}</span>{{/atRisk}}{{#late}} <span class="status urgent">{{t.ui.production.late}}</span>{{/late}}</td>
            <td>{{due}}</td><td>{{expected}}</td><td>{{#order}}<a href="{{href}}">{{text}}</a>{{/order}}{{^order}}—{{/order}}</td></tr>{{/orders}}
          {{^orders}}<tr><td colspan="7" class="empty">{{t.ui.production.none}}</td></tr>{{/orders}}
          </tbody>
        </table>
        </div>
        {{/page}}
        {{/content}}
        {{/layout}}
        """

    /// `ProductionOrderPageModel`: one production order, its steps and reports.
    static let productionOrder = """
        {{<layout}}
        {{$title}}{{page.title}}{{/title}}
        {{$content}}
        {{#page}}
        <h1 id="page-title">{{title}} <span class="status" data-status="{{statusKey}}" id="production-status">{{status}}</span>{{#atRisk}} <span class="status urgent" id="production-at-risk">{{t.ui.production.atRisk}}</span>{{/atRisk}}</h1>
        {{#error}}<p class="error-summary" role="alert" id="production-error">{{error}}</p>{{/error}}
        <div class="figures" id="production-facts">{{#facts}}<div class="figure"><span class="label">{{label}}</span><span class="amount">{{value}}</span></div>{{/facts}}{{#forOrder}}<div class="figure"><span class="label">{{t.ui.transfers.forOrder}}</span><span class="amount"><a href="{{href}}">{{text}}</a></span></div>{{/forOrder}}</div>
        {{#specification}}<section class="panel" id="specification"><h2>{{t.ui.production.specification}}</h2><p>{{specification}}</p>
          {{#specConfirmation}}<p class="hint">{{t.ui.production.specConfirmed}}{{specConfirmation}}</p>{{/specConfirmation}}
          {{#confirmSpec}}<form method="post" action="{{confirmSpec}}" class="toolbar"><input type="hidden" name="_csrf" value="{{csrf}}"><input type="hidden" name="version" value="{{version}}">
            <input name="confirmation" id="spec-confirmation" placeholder="{{t.ui.production.confirmationHint}}" aria-label="{{t.ui.production.confirmationHint}}">
            <button type="submit" class="primary" id="confirm-spec">{{t.ui.production.confirmSpec}}</button></form>{{/confirmSpec}}
        </section>{{/specification}}
        <p class="toolbar">{{#start}}<form method="post" action="{{start}}" class="inline"><input type="hidden" name="_csrf" value="{{csrf}}"><input type="hidden" name="version" value="{{version}}"><button type="submit" class="primary" id="start-production">{{t.ui.production.start}}</button></form>{{/start}}
        {{#cancel}}<form method="post" action="{{cancel}}" class="inline"><input type="hidden" name="_csrf" value="{{csrf}}"><input type="hidden" name="version" value="{{version}}"><button type="submit" id="cancel-production">{{t.ui.production.cancel}}</button></form>{{/cancel}}</p>
        <div class="split">
        <section class="panel"><h2>{{t.ui.production.operations}}</h2><ul class="picks" id="operations">{{#operations}}<li>{{#done}}✔ {{/done}}{{^done}}○ {{/done}}{{name}}</li>{{/operations}}{{^operations}}<li>—</li>{{/operations}}</ul></section>
        <section class="panel"><h2>{{t.ui.production.milestones}}</h2><ul class="picks" id="milestones">{{#milestones}}<li>{{#done}}✔ {{/done}}{{^done}}○ {{/done}}{{name}} {{when}}</li>{{/milestones}}{{^milestones}}<li>—</li>{{/milestones}}</ul></section>
        </div>
        {{#report}}<form method="post" action="{{report}}" class="panel" id="report-form" novalidate>
          <h2>{{t.ui.production.report}}</h2>
          <input type="hidden" name="_csrf" value="{{csrf}}"><input type="hidden" name="version" value="{{version}}">
          <label><span>{{t.ui.production.produced}}</span><input name="produced" id="report-produced" inputmode="numeric"></label>
          <label><span>{{t.ui.production.operationFinished}}</span><select name="operation" id="report-operation"><option value=""></option>{{#openOperations}}<option value="{{.}}">{{.}}</option>{{/openOperations}}</select></label>
          <label><span>{{t.ui.production.milestoneReachedLabel}}</span><select name="milestone" id="report-milestone"><option value=""></option>{{#openMilestones}}<option value="{{.}}">{{.}}</option>{{/openMilestones}}</select></label>
          <label><span>{{t.ui.production.problem}}</span><input name="problem" id="report-problem"></label>
          <label><span>{{t.ui.production.expected}}</span><input type="date" name="expectedDate" id="report-expected"></label>
          <button type="submit" class="primary" id="send-report">{{t.ui.production.sendReport}}</button>
        </form>{{/report}}
        <h2>{{t.ui.production.reports}}</h2>
        <div class="table-scroll">
        <table class="grid" id="production-reports">
          <thead><tr><th>{{t.ui.field.time}}</th><th>{{t.ui.field.who}}</th><th class="num">{{t.ui.production.produced}}</th><th>{{t.ui.production.progress}}</th><th>{{t.ui.production.problem}}</th></tr></thead>
          <tbody>{{#reports}}<tr><td>{{when}}</td><td>{{who}}</td><td class="num">{{produced}}</td><td>{{what}}</td><td>{{problem}}</td></tr>{{/reports}}
          {{^reports}}<tr><td colspan="5" class="empty">{{t.ui.production.noReports}}</td></tr>{{/reports}}</tbody>
        </table>
        </div>
        <p><a href="{{backHref}}">‹ {{t.ui.production.title}}</a></p>
        {{/page}}
        {{/content}}
        {{/layout}}
        """

    static let layout = """
        <!doctype html>
        <html lang="{{lang}}">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{$title}}Docket{{/title}} · Docket</title>
        {{$head}}{{/head}}
        <link rel="stylesheet" href="{{route.stylesheet}}">
        </head>
        <body>
        {{#user}}
        <header class="top">
          <a class="brand" href="{{route.home}}">Docket</a>
          <nav class="main">{{#nav}}<a href="{{href}}"{{#current}} aria-current="page"{{/current}}>{{label}}</a>{{/nav}}</nav>
          <div class="me">
            <span class="who" id="who">{{displayName}}</span>
            <form method="post" action="{{route.language}}" class="inline">
              <input type="hidden" name="_csrf" value="{{csrf}}"><input type="hidden" name="language" value="{{otherLanguageCode}}">
              <button type="submit" id="switch-language" class="link">{{otherLanguageLabel}}</button>
            </form>
            <form method="post" action="{{route.logout}}" class="inline">
              <input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit" id="logout" class="link">{{t.ui.logout}}</button>
            </form>
          </div>
        </header>
        {{/user}}
        <main>
        {{#notice}}<p class="notice" role="status">{{notice}}</p>{{/notice}}
        {{$content}}{{/content}}
        </main>
        </body>
        </html>
        """

    static let login = """
        {{<layout}}
        {{$title}}{{t.ui.login.title}}{{/title}}
        {{$content}}
        <section class="card narrow">
          <h1>Docket · {{t.ui.login.title}}</h1>
          {{#page}}
          {{#failure}}<p class="alert" role="alert" id="login-error">{{failure}}</p>{{/failure}}
          <form method="post" action="{{route.login}}">
            <input type="hidden" name="next" value="{{next}}">
            <label>{{t.ui.login.username}}<input name="username" id="username" value="{{username}}" autocomplete="username" required autofocus></label>
            <label>{{t.ui.login.password}}<input type="password" name="password" id="password" autocomplete="current-password" required></label>
            <button type="submit" id="login">{{t.ui.login.submit}}</button>
          </form>
          {{/page}}
          <p class="langs"><a href="{{route.login}}?lang=zh-CN" id="lang-zh">中文</a> · <a href="{{route.login}}?lang=en" id="lang-en">English</a></p>
        </section>
        {{/content}}
        {{/layout}}
        """

    static let home = """
        {{<layout}}
        {{$title}}{{t.ui.home.title}}{{/title}}
        {{$content}}
        <h1 id="page-title">{{t.ui.home.title}}</h1>
        {{#page}}
        {{#dashboard}}{{>dashboardPanel}}{{/dashboard}}
        <div class="queues">{{#queues}}{{>queuePanel}}{{/queues}}</div>
        {{/page}}
        {{/content}}
        {{/layout}}
        """

    /// `HomePageModel.DashboardPanel`: what waits on me, the stages I watch, today, due soon, late.
    static let dashboardPanel = """
        <section class="dashboard" id="dashboard">
          <div class="figures">
            {{#mine}}<a class="figure mine" href="{{href}}" data-status="{{key}}"><span class="label">{{label}}</span><strong class="count">{{count}}</strong><span class="amount">{{amount}}</span></a>{{/mine}}
            {{#stages}}<a class="figure" href="{{href}}" data-stage="{{key}}"><span class="label">{{label}}</span><strong class="count">{{count}}</strong><span class="amount">{{amount}}</span></a>{{/stages}}
            {{#today}}<div class="figure" id="today"><span class="label">{{t.ui.home.today}}</span><strong class="count">{{count}}</strong><span class="amount">{{amount}}</span></div>{{/today}}
          </div>
          <div class="queues">
            {{#dueSoon}}<section class="card" id="due-soon"><h2>{{t.ui.home.dueSoon}} <span class="badge">{{count}}</span></h2>
              {{#items}}<p class="queue-item"><a href="{{href}}">{{number}}</a> {{customer}} · {{t.ui.home.deadline}} {{due}} · <span class="num">{{total}}</span></p>{{/items}}
              {{^items}}<p class="empty">{{t.ui.home.empty}}</p>{{/items}}</section>{{/dueSoon}}
            {{#overdue}}<section class="card" id="overdue"><h2>{{t.ui.home.overdue}} <span class="badge">{{count}}</span></h2>
              {{#items}}<p class="queue-item"><a href="{{href}}">{{number}}</a> {{customer}} · {{status}} · {{t.ui.order.promised}} {{due}}</p>{{/items}}
              {{^items}}<p class="empty">{{t.ui.home.empty}}</p>{{/items}}</section>{{/overdue}}
          </div>
        </section>
        """

    /// `HomePageModel.Queue`: one role's work queue.
    static let queuePanel = """
        <section class="card queue" data-role="{{role}}">
          <h2>{{title}}</h2>
          <p class="hint">{{description}}</p>
          {{#orders}}<p class="queue-item"><a href="{{href}}">{{number}}</a> {{customer}} · {{status}} · {{total}}</p>{{/orders}}
          {{^orders}}<p class="empty">{{t.ui.home.empty}}</p>{{/orders}}
          {{#queueHref}}<p><a href="{{queueHref}}" class="queue-all">{{t.ui.home.allInQueue}} ›</a></p>{{/queueHref}}
        </section>
        """


    static let list = """
        {{<layout}}
        {{$title}}{{page.title}}{{/title}}
        {{$content}}
        {{#page}}
        <h1 id="page-title">{{title}}</h1>
        {{>tabBar}}
        <form method="get" class="toolbar">
          <input type="search" name="q" value="{{q}}" placeholder="{{t.ui.list.search}}" id="search">
          <button type="submit">{{t.ui.list.searchButton}}</button>
          {{#newHref}}<a class="button primary" id="new" href="{{newHref}}">{{t.ui.list.new}}</a>{{/newHref}}
        </form>
        <div class="table-scroll">
        <table class="grid">
          <thead><tr>{{#columns}}<th{{#num}} class="num"{{/num}}>{{#sortHref}}<a href="{{sortHref}}">{{label}}{{mark}}</a>{{/sortHref}}{{^sortHref}}{{label}}{{/sortHref}}</th>{{/columns}}</tr></thead>
          <tbody>
          {{#rows}}<tr>{{#cells}}<td{{#num}} class="num"{{/num}}>{{#link}}<a href="{{link}}">{{text}}</a>{{/link}}{{^link}}{{text}}{{/link}}</td>{{/cells}}</tr>{{/rows}}
          {{^rows}}<tr><td colspan="{{columnCount}}" class="empty">{{t.ui.list.empty}}</td></tr>{{/rows}}
          </tbody>
        </table>
        </div>
        {{#pager}}{{>pager}}{{/pager}}
        {{/page}}
        {{/content}}
        {{/layout}}
        """

    static let form = """
        {{<layout}}
        {{$title}}{{page.title}}{{/title}}
        {{$content}}
        {{#page}}
        <h1 id="page-title">{{title}}</h1>
        {{#problemSummary}}<div class="alert" role="alert" id="form-errors"><p>{{problemSummary}}</p>{{#hasGridProblems}}<ul>{{#gridProblems}}<li>{{.}}</li>{{/gridProblems}}</ul>{{/hasGridProblems}}</div>{{/problemSummary}}
        {{#summary}}<section class="card" id="record-summary">
          <div class="figures">{{#facts}}<div class="figure" id="{{id}}"><span class="label">{{label}}</span><span class="amount">{{value}}</span></div>{{/facts}}</div>
          <h2>{{ordersTitle}}</h2>
          <div class="table-scroll"><table class="grid"><tbody>{{#orders}}<tr><td><a href="{{href}}">{{number}}</a></td><td><span class="status" data-status="{{statusCode}}">{{status}}</span></td><td class="num">{{total}}</td><td>{{received}}</td></tr>{{/orders}}</tbody></table></div>
          {{^orders}}<p class="hint" id="no-orders">{{t.ui.customer.noOrders}}</p>{{/orders}}
          <p><a href="{{allHref}}" id="customer-orders">{{allLabel}} ›</a></p>
        </section>
        {{#credit}}<section class="card" id="credit-terms">
          <h2>{{t.ui.credit.title}}</h2>
          <p class="hint">{{t.ui.credit.hint}}</p>
          {{#editable}}<form method="post" action="{{action}}" class="record" id="credit-form" novalidate>
            <input type="hidden" name="_csrf" value="{{csrf}}"><input type="hidden" name="version" value="{{version}}">
            {{#sections}}<fieldset>{{#fields}}{{>field}}{{/fields}}</fieldset>{{/sections}}
            <div class="actions"><button type="submit" class="primary" id="save-credit">{{t.ui.credit.save}}</button></div>
          </form>{{/editable}}
          {{^editable}}<div class="figures">{{#facts}}<div class="figure" id="{{id}}"><span class="label">{{label}}</span><span class="amount">{{value}}</span></div>{{/facts}}</div>{{/editable}}
        </section>{{/credit}}{{/summary}}
        <form method="post" action="{{action}}" class="record" novalidate>
          <input type="hidden" name="_csrf" value="{{csrf}}">
          {{#version}}<input type="hidden" name="version" value="{{version}}">{{/version}}
          {{#readOnly}}<p class="hint" id="read-only">{{t.ui.form.readOnly}}</p>{{/readOnly}}
          {{#sections}}
          <fieldset{{#readOnly}} disabled{{/readOnly}}>
            {{#legend}}<legend>{{legend}}</legend>{{/legend}}
            {{#fields}}{{>field}}{{/fields}}
          </fieldset>
          {{/sections}}
          {{#grids}}
          <fieldset class="rows"{{#readOnly}} disabled{{/readOnly}} id="grid-{{name}}">
            <legend>{{legend}}</legend>
            {{#note}}<p class="hint">{{note}}</p>{{/note}}
            <div class="scroll"><table class="grid edit" data-grid="{{name}}">
              <thead><tr><th class="row-number">{{t.ui.grid.row}}</th>{{#columns}}<th{{#num}} class="num"{{/num}}>{{label}}{{#required}} *{{/required}}</th>{{/columns}}</tr></thead>
              <tbody>{{#rows}}<tr data-row="{{index}}"><td class="row-number">{{number}}</td>{{#cells}}<td class="{{#error}}invalid{{/error}}{{#num}} num{{/num}}">{{#checkbox}}<input type="checkbox" name="{{name}}" id="{{id}}" value="on" aria-label="{{label}}"{{#checked}} checked{{/checked}}>{{/checkbox}}{{#select}}<select name="{{name}}" id="{{id}}" aria-label="{{label}}">{{#options}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/options}}</select>{{/select}}{{#plain}}<input type="{{inputType}}" name="{{name}}" id="{{id}}" value="{{value}}" aria-label="{{label}}"{{#placeholder}} placeholder="{{placeholder}}"{{/placeholder}}>{{/plain}}{{#error}}<small class="error" id="{{id}}-error">{{error}}</small>{{/error}}</td>{{/cells}}</tr>{{/rows}}</tbody>
            </table></div>
            {{^readOnly}}<button type="button" class="add-row" data-grid="{{name}}">{{t.ui.grid.addRow}}</button>{{/readOnly}}
          </fieldset>
          {{/grids}}
          <div class="actions">{{^readOnly}}<button type="submit" class="primary" id="save">{{t.ui.form.save}}</button> {{/readOnly}}<a href="{{cancelHref}}">{{#readOnly}}{{t.ui.form.back}}{{/readOnly}}{{^readOnly}}{{t.ui.form.cancel}}{{/readOnly}}</a></div>
        </form>
        {{#hasGrids}}<script src="{{route.gridScript}}" defer></script>{{/hasGrids}}
        {{/page}}
        {{/content}}
        {{/layout}}
        """

    static let tokens = """
        {{<layout}}
        {{$title}}{{t.ui.tokens.title}}{{/title}}
        {{$content}}
        <h1 id="page-title">{{t.ui.tokens.title}}</h1>
        <p class="hint">{{t.ui.tokens.hint}}</p>
        {{#page}}
        {{#newToken}}<p class="notice" role="status">{{t.ui.tokens.created}} <code id="new-token">{{newToken}}</code></p>{{/newToken}}
        <table class="grid">
          <thead><tr><th>{{t.ui.tokens.name}}</th><th>{{t.ui.tokens.prefix}}</th><th>{{t.ui.tokens.createdAt}}</th><th>{{t.ui.tokens.lastUsed}}</th><th></th></tr></thead>
          <tbody>
          {{#tokens}}<tr><td>{{name}}</td><td><code>{{prefix}}…</code></td><td>{{createdAt}}</td><td>{{lastUsed}}</td>
            <td>{{#revoked}}{{t.ui.tokens.revoked}}{{/revoked}}{{^revoked}}<form method="post" action="{{revokeAction}}" class="inline"><input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit" class="link">{{t.ui.tokens.revoke}}</button></form>{{/revoked}}</td></tr>{{/tokens}}
          {{^tokens}}<tr><td colspan="5" class="empty">{{t.ui.list.empty}}</td></tr>{{/tokens}}
          </tbody>
        </table>
        <form method="post" action="{{route.tokens}}" class="toolbar">
          <input type="hidden" name="_csrf" value="{{csrf}}">
          <input name="name" id="token-name" placeholder="{{t.ui.tokens.name}}" required>
          <button type="submit" class="primary" id="create-token">{{t.ui.tokens.create}}</button>
        </form>
        {{/page}}
        {{/content}}
        {{/layout}}
        """

    static let error = """
        {{<layout}}
        {{$title}}{{#page}}{{title}}{{/page}}{{/title}}
        {{$content}}
        {{#page}}
        <section class="card narrow error-page" data-status="{{status}}">
          <h1 id="page-title">{{status}} · {{title}}</h1>
          {{#detail}}<p>{{detail}}</p>{{/detail}}
          {{^empty(problems)}}<ul>{{#problems}}<li>{{.}}</li>{{/problems}}</ul>{{/empty(problems)}}
          <p><a href="{{route.home}}">{{t.ui.home.back}}</a></p>
        </section>
        {{/page}}
        {{/content}}
        {{/layout}}
        """

    static let css = """
        :root { --ink: #1f2933; --muted: #616e7c; --line: #d9e2ec; --brand: #b42318; --bg: #f5f7fa; --ok: #027a48; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.5 -apple-system, "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; color: var(--ink); background: var(--bg); }
        header.top { display: flex; flex-wrap: wrap; align-items: center; gap: 1rem; padding: .5rem 1rem; background: #fff; border-bottom: 1px solid var(--line); }
        .brand { font-weight: 700; color: var(--brand); text-decoration: none; font-size: 1.1rem; }
        nav.main { display: flex; flex-wrap: wrap; gap: .25rem; flex: 1; }
        nav.main a { padding: .35rem .6rem; border-radius: 4px; color: var(--ink); text-decoration: none; }
        nav.main a[aria-current] { background: var(--bg); font-weight: 600; }
        .me { display: flex; gap: .5rem; align-items: center; color: var(--muted); }
        main { max-width: 1200px; margin: 0 auto; padding: 1rem; }
        .card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 1rem 1.25rem; }
        .narrow { max-width: 420px; margin: 3rem auto; }
        .queues { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: 1rem; }
        label { display: block; margin: .5rem 0; }
        label > span { display: block; font-size: .9rem; color: var(--muted); }
        label.check { display: flex; gap: .5rem; align-items: center; }
        input, select, textarea { font: inherit; padding: .4rem .5rem; border: 1px solid var(--line); border-radius: 4px; width: 100%; max-width: 28rem; background: #fff; }
        input[type=checkbox] { width: auto; }
        label.wide { grid-column: 1 / -1; }
        label.wide textarea { max-width: none; font-family: ui-monospace, "Noto Sans Mono CJK SC", monospace; }
        .invalid input, .invalid select, .invalid textarea { border-color: var(--brand); }
        small.error { color: var(--brand); display: block; }
        button, .button { font: inherit; padding: .4rem .9rem; border: 1px solid var(--line); border-radius: 4px; background: #fff; cursor: pointer; text-decoration: none; color: var(--ink); }
        .primary { background: var(--brand); border-color: var(--brand); color: #fff; }
        button.link { border: 0; background: none; color: var(--muted); padding: 0; }
        form.inline { display: inline; }
        .toolbar { display: flex; gap: .5rem; align-items: center; margin: .5rem 0 1rem; }
        .toolbar input { max-width: 20rem; }
        .shortage-decision { flex-wrap: wrap; }
        .shortage-decision button, .inline button { white-space: nowrap; }
        .shortage-decision input { flex: 1 1 12rem; }
        form.inline { display: inline; margin-right: .25rem; }
        .decisions { margin-bottom: .5rem; }
        table.grid { width: 100%; border-collapse: collapse; background: #fff; }
        .grid th, .grid td { text-align: left; padding: .45rem .6rem; border-bottom: 1px solid var(--line); }
        .grid th { font-size: .85rem; color: var(--muted); }
        .figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(9rem, 1fr)); gap: .6rem; margin-bottom: 1rem; }
        .figure { display: flex; flex-direction: column; background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .6rem .8rem; color: inherit; text-decoration: none; }
        .figure .label { color: var(--muted); font-size: .85rem; }
        .figure .count { font-size: 1.6rem; }
        .figure .amount { font-variant-numeric: tabular-nums; text-align: right; }
        .dashboard h2 { font-size: 1.05rem; }
        .dashboard .queues { margin-bottom: 1rem; }
        .status[data-status^="review"] { background: #eff4ff; color: #1d4ed8; }
        .status[data-status="needs_info"], .status[data-status="suspended"] { background: #fffaeb; color: #b54708; }
        .status[data-status="awaiting_confirmation"] { background: #f4f3ff; color: #5925dc; }
        .status[data-status="confirmed"], .status[data-status="allocated"], .status[data-status="in_production"],
        .status[data-status="picking"], .status[data-status="packed"], .status[data-status="shipped"],
        .status[data-status="delivered"], .status[data-status="completed"] { background: #ecfdf3; color: #067647; }
        .status[data-status="cancelled"] { background: #fef3f2; color: #b42318; }
        .status[data-status="on_hold"] { background: #f2f4f7; color: #344054; }
        .status.urgent { background: #fef3f2; color: #b42318; border-color: #fecdca; }
        .table-scroll { overflow-x: auto; }
        fieldset.rows { display: block; min-width: 0; }
        fieldset { min-width: 0; }
        fieldset.rows .scroll { overflow-x: auto; }
        table.edit td { padding: .25rem .3rem; vertical-align: top; }
        table.edit input:not([type=checkbox]), table.edit select { width: 100%; min-width: 5.5rem; }
        table.edit td.num input { text-align: right; }
        .row-number { width: 2.5rem; color: var(--muted); text-align: right; }
        button.add-row { margin-top: .5rem; }
        .alert ul { margin: .3rem 0 0; padding-left: 1.2rem; }
        .alert p { margin: 0; }
        @media (max-width: 600px) {
          main { padding: 1rem .6rem; }
          .grid th, .grid td { padding: .35rem .4rem; font-size: .9rem; }
          form.filters { display: grid; grid-template-columns: 1fr 1fr; gap: .4rem; }
        }
        .pager .page, .pager .page-current, .pager .sizes { margin: 0 .25rem; }
        .pager .sizes { margin-left: 1rem; color: var(--muted); }
        .grid th a { color: inherit; text-decoration: none; }
        .badge { display: inline-block; min-width: 1.4rem; padding: 0 .4rem; border-radius: 999px; background: var(--line); font-size: .8rem; text-align: center; }
        .grid th.num, .grid td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        .empty, .hint { color: var(--muted); }
        .alert { background: #fef3f2; border: 1px solid #fecdca; color: var(--brand); padding: .5rem .75rem; border-radius: 4px; }
        .notice { background: #ecfdf3; border: 1px solid #abefc6; color: var(--ok); padding: .5rem .75rem; border-radius: 4px; }
        fieldset { border: 1px solid var(--line); border-radius: 6px; margin: 0 0 1rem; background: #fff; display: grid; grid-template-columns: repeat(auto-fill, minmax(240px, 1fr)); gap: 0 1rem; }
        legend { font-weight: 600; padding: 0 .25rem; }
        .pager { display: flex; gap: 1rem; margin-top: .75rem; color: var(--muted); }
        .status { white-space: nowrap; font-size: .8rem; padding: .1rem .5rem; border-radius: 999px; background: var(--bg); border: 1px solid var(--line); vertical-align: middle; }
        .filters { display: flex; flex-wrap: wrap; gap: .5rem; align-items: end; margin: .5rem 0 1rem; }
        .filters label { margin: 0; }
        .filters input, .filters select { max-width: 11rem; }
        .panel { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .75rem 1rem; margin: 1rem 0; }
        .panel h2 { margin-top: 0; font-size: 1.05rem; }
        ul.findings { list-style: none; padding: 0; margin: .25rem 0 .75rem; }
        ul.findings li { padding: .2rem .5rem; border-left: 3px solid var(--line); margin: .2rem 0; }
        ul.findings li.warning { border-color: #f79009; background: #fffaeb; }
        ul.findings li.blocking { border-color: var(--brand); background: #fef3f2; }
        table.lines input { max-width: none; }
        table.lines td { padding: .2rem .3rem; }
        table.lines .name { color: var(--muted); font-size: .85rem; }
        .split { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 0 1rem; }
        ul.picks { list-style: none; padding: 0; margin: 0; }
        details.why summary { cursor: pointer; color: var(--muted); font-size: .85rem; }
        details.why ul { margin: .2rem 0; padding-left: 1.1rem; font-size: .85rem; }
        nav.tabs { display: flex; gap: .25rem; margin: .25rem 0 .5rem; flex-wrap: wrap; }
        nav.tabs a { padding: .3rem .7rem; border: 1px solid var(--line); border-radius: 999px; text-decoration: none; color: var(--ink); background: #fff; }
        nav.tabs a[aria-current] { background: var(--ink); color: #fff; border-color: var(--ink); }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: .5rem 0 1rem; }
        dl.facts dt { color: var(--muted); }
        dl.facts dd { margin: 0; }
        .offscreen { position: absolute; left: -10000px; width: 1px; height: 1px; overflow: hidden; }
        @media (max-width: 700px) { header.top { flex-direction: column; align-items: flex-start; } }
        """

    /// "Add a row" on record forms' tables: copies the last row, blank, under the next free index. Progressive:
    /// without it the spare rows still take new entries.
    static let gridScript = """
        "use strict";
        document.querySelectorAll("button.add-row").forEach(function (button) {
          button.addEventListener("click", function () {
            var body = document.querySelector('table[data-grid="' + button.dataset.grid + '"] tbody');
            var last = body && body.lastElementChild;
            if (!last) { return; }
            var next = 1 + Math.max.apply(null, Array.prototype.map.call(body.children, function (r) { return parseInt(r.dataset.row, 10) || 0; }));
            var row = last.cloneNode(true);
            row.dataset.row = String(next);
            row.querySelector(".row-number").textContent = String(body.children.length + 1);
            row.querySelectorAll("small.error").forEach(function (e) { e.remove(); });
            row.querySelectorAll("td").forEach(function (td) { td.classList.remove("invalid"); });
            row.querySelectorAll("input, select").forEach(function (input) {
              input.name = input.name.replace(/\\[\\d+\\]/, "[" + next + "]");
              input.id = input.id.replace(/-\\d+-/, "-" + next + "-");
              if (input.type === "checkbox") { input.checked = input.defaultChecked; } else if (input.tagName === "SELECT") { input.selectedIndex = 0; } else { input.value = ""; }
            });
            body.appendChild(row);
            var first = row.querySelector("input, select");
            if (first) { first.focus(); }
          });
        });
        """
}
