/// The order pages' templates: the filtered list, the order, the entry grid (also for completing and changing an
/// order), the CSV import and the customer's public confirmation page.
enum OrderTemplates {
    static let orders = """
        {{<layout}}
        {{$title}}{{t.ui.orders.title}}{{/title}}
        {{$content}}
        <h1 id="page-title">{{t.ui.orders.title}}</h1>
        {{#page}}
        {{#canEnter}}<p class="toolbar"><a class="button primary" id="new-order" href="{{route.orderNew}}">{{t.ui.orders.new}}</a> <a class="button" id="import-orders" href="{{route.orderImport}}">{{t.ui.orders.import}}</a></p>{{/canEnter}}
        {{#problemSummary}}<p class="alert" role="alert" id="filter-errors">{{problemSummary}}</p>{{/problemSummary}}
        <form method="get" class="filters" id="order-filters">
          <label><span>{{t.ui.orders.search}}</span><input type="search" name="q" value="{{q}}" id="search"></label>
          <label><span>{{t.ui.orders.stage}}</span><select name="stage" id="filter-stage"><option value="">{{t.ui.orders.any}}</option>{{#stages}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/stages}}</select></label>
          <label><span>{{t.ui.field.status}}</span><select name="status" id="filter-status"><option value="">{{t.ui.orders.any}}</option>{{#statuses}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/statuses}}</select></label>
          <label><span>{{t.ui.field.customer}}</span><input name="customer" value="{{customer}}" id="filter-customer"></label>
          <label><span>{{t.ui.field.channel}}</span><select name="channel" id="filter-channel"><option value="">{{t.ui.orders.any}}</option>{{#channels}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/channels}}</select></label>
          <label><span>{{t.ui.field.type}}</span><select name="type" id="filter-type"><option value="">{{t.ui.orders.any}}</option>{{#types}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/types}}</select></label>
          <label><span>{{t.ui.orders.from}}</span><input type="date" name="from" value="{{from}}" id="filter-from"></label>
          <label><span>{{t.ui.orders.to}}</span><input type="date" name="to" value="{{to}}" id="filter-to"></label>
          <button type="submit" id="apply-filters">{{t.ui.list.searchButton}}</button>
        </form>
        <div class="table-scroll">
        <table class="grid" id="order-list">
          <thead><tr><th><a href="{{sort.number.href}}" id="sort-number">{{t.ui.field.number}}{{sort.number.mark}}</a></th><th><a href="{{sort.customer.href}}" id="sort-customer">{{t.ui.field.customer}}{{sort.customer.mark}}</a></th><th>{{t.ui.field.channel}}</th><th>{{t.ui.field.type}}</th><th>{{t.ui.field.status}}</th><th class="num"><a href="{{sort.total.href}}" id="sort-total">{{t.ui.field.total}}{{sort.total.mark}}</a></th><th><a href="{{sort.received.href}}" id="sort-received">{{t.ui.field.received}}{{sort.received.mark}}</a></th></tr></thead>
          <tbody>
          {{#rows}}<tr><td><a href="{{href}}">{{number}}</a>{{#urgent}} <span class="status urgent" title="{{t.ui.order.urgentLegend}}">{{t.ui.order.urgent}}</span>{{/urgent}}</td><td>{{customer}}</td><td>{{channel}}</td><td>{{type}}</td><td><span class="status" data-status="{{statusCode}}">{{status}}</span></td><td class="num">{{total}}</td><td>{{received}}</td></tr>{{/rows}}
          {{^rows}}<tr><td colspan="7" class="empty">{{t.ui.list.empty}}</td></tr>{{/rows}}
          </tbody>
        </table>
        </div>
        {{#hasUrgent}}<p class="hint legend" id="urgent-legend"><span class="status urgent">{{t.ui.order.urgent}}</span> {{t.ui.order.urgentLegend}}</p>{{/hasUrgent}}
        {{#pager}}{{>pager}}{{/pager}}
        {{/page}}
        {{/content}}
        {{/layout}}
        """

    /// The order page: the title and feedback, then one partial per panel, each rendering its typed model
    /// (`OrderPageModel`).
    static let order = """
        {{<layout}}
        {{$title}}{{page.number}}{{/title}}
        {{$content}}
        {{#page}}
        <h1 id="page-title">{{number}} {{#status}}<span class="status" id="order-status" data-status="{{code}}">{{label}}</span>{{/status}}{{#urgent}} <span class="status urgent" title="{{t.ui.order.urgentLegend}}">{{t.ui.order.urgent}}</span>{{/urgent}}</h1>
        {{#done}}<p class="notice" role="status" id="order-done">{{text}}{{#nextHref}} <a class="button" id="next-in-queue" href="{{nextHref}}">{{nextLabel}}</a>{{/nextHref}}</p>{{/done}}
        {{#notice}}<p class="notice" role="status" id="notice">{{notice}}</p>{{/notice}}
        {{#header}}{{>orderHeader}}{{/header}}
        {{#problems}}<div class="alert" role="alert" id="order-problems"><ul>{{#items}}<li>{{.}}</li>{{/items}}</ul>{{#completeHref}}<a class="button primary" id="complete-info" href="{{completeHref}}">{{t.ui.order.completeInfo}}</a>{{/completeHref}}</div>{{/problems}}
        {{#lines}}{{>orderLines}}{{/lines}}
        {{#review}}{{>reviewPanel}}{{/review}}
        {{#confirmation}}{{>confirmationPanel}}{{/confirmation}}
        {{#allocation}}{{>allocationPanel}}{{/allocation}}
        {{#fulfilment}}<section class="panel" id="fulfilment-panel"><h2>{{t.ui.nav.shipping}}</h2>
          <div class="table-scroll"><table class="grid" id="order-shipments"><thead><tr><th>{{t.entity.shipment}}</th><th>{{t.ui.field.warehouse}}</th><th>{{t.ui.field.status}}</th><th>{{t.ui.ship.carrier}}</th><th>{{t.field.trackingNumber}}</th><th>{{t.ui.ship.eta}}</th><th>{{t.field.signedAt}}</th></tr></thead>
          <tbody>{{#rows}}<tr><td><a href="{{href}}">{{number}}</a></td><td>{{warehouse}}</td><td>{{#status}}<span class="status" data-status="{{code}}">{{label}}</span>{{/status}}</td><td>{{carrier}}</td><td>{{tracking}}</td><td class="eta">{{eta}}</td><td>{{delivered}}</td></tr>{{/rows}}</tbody></table></div>
          {{^empty(owed)}}<h3 id="backorders">{{t.ui.backorder.title}}</h3><p class="hint">{{t.ui.backorder.hint}}</p>
          <div class="table-scroll"><table class="grid" id="order-backorders"><thead><tr><th>{{t.ui.field.product}}</th><th class="num">{{t.ui.backorder.ordered}}</th><th class="num">{{t.ui.backorder.carried}}</th><th class="num">{{t.ui.backorder.closed}}</th><th class="num">{{t.ui.backorder.owed}}</th>{{#closeAction}}<th>{{t.ui.backorder.close}}</th>{{/closeAction}}</tr></thead>
          <tbody>{{#owed}}<tr><td>{{name}} <span class="hint">{{sku}}</span></td><td class="num">{{ordered}}</td><td class="num">{{carried}}</td><td class="num">{{closed}}</td><td class="num owed">{{owed}}</td>{{#closeAction}}<td><form method="post" action="{{closeAction}}" class="inline"><input type="hidden" name="_csrf" value="{{csrf}}"><input type="hidden" name="line" value="{{lineID}}"><input type="hidden" name="version" value="{{version}}"><input name="reason" required maxlength="500" placeholder="{{t.ui.backorder.reason}}" aria-label="{{t.ui.backorder.reason}}"> <button type="submit">{{t.ui.backorder.close}}</button></form></td>{{/closeAction}}</tr>{{/owed}}</tbody></table></div>
          {{#serveAction}}<form method="post" action="{{serveAction}}" class="toolbar"><input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit" id="backorder-serve">{{t.ui.backorder.serve}}</button></form>{{/serveAction}}{{/empty(owed)}}
          {{^empty(cases)}}<dl class="facts"><dt>{{t.ui.case.open}}</dt><dd>{{#cases}}<a href="{{href}}">{{text}}</a> {{/cases}}</dd></dl>{{/empty(cases)}}
        </section>{{/fulfilment}}
        {{#exceptions}}<section class="panel" id="exceptions-panel"><h2>{{t.ui.exception.list}}</h2>
          {{^empty(rows)}}<div class="table-scroll"><table class="grid" id="order-exceptions"><thead><tr><th>{{t.ui.exceptions.number}}</th><th>{{t.ui.exceptions.kind}}</th><th>{{t.ui.field.status}}</th><th>{{t.ui.exception.resolution}}</th><th>{{t.ui.exceptions.opened}}</th></tr></thead>
          <tbody>{{#rows}}<tr><td><a href="{{href}}">{{number}}</a></td><td>{{kind}}</td><td>{{#status}}<span class="status" data-status="{{code}}">{{label}}</span>{{/status}}</td><td>{{resolution}}</td><td>{{opened}}</td></tr>{{/rows}}</tbody></table></div>{{/empty(rows)}}
          {{#empty(rows)}}<p class="hint">{{t.ui.exception.none}}</p>{{/empty(rows)}}
          {{#raiseHref}}<p><a class="button" id="raise-exception" href="{{raiseHref}}">{{t.ui.exception.raise}}</a></p>{{/raiseHref}}
        </section>{{/exceptions}}
        {{#actions}}
        <form method="post" action="{{action}}" class="toolbar">
          <input type="hidden" name="_csrf" value="{{csrf}}">
          {{#needsReason}}<input name="reason" placeholder="{{t.ui.order.reason}}" required>{{/needsReason}}
          <button type="submit" id="{{id}}">{{label}}</button>
        </form>
        {{/actions}}
        {{#changeHref}}<p><a class="button" id="request-change" href="{{changeHref}}">{{t.ui.order.requestChange}}</a></p>{{/changeHref}}
        {{>orderHistory}}
        {{/page}}
        <p><a href="{{route.orders}}">‹ {{t.ui.orders.title}}</a></p>
        {{/content}}
        {{/layout}}
        """

    /// `OrderPageModel.AllocationPanel`: where each line comes from (warehouse, location, lot) and, folded, why.
    static let allocationPanel = """
        <section class="panel" id="allocation-panel" data-status="{{status.code}}">
          <h2>{{t.ui.allocation.title}} <span class="status" id="allocation-status" data-status="{{status.code}}">{{status.label}}</span></h2>
          {{#notYet}}<p class="hint" id="allocation-not-yet">{{t.ui.allocation.none}}</p>{{/notYet}}
          {{#reservation}}<p class="hint" id="allocation-reservation">{{reservation}}</p>{{/reservation}}
          {{#warehouses}}<p>{{t.ui.allocation.warehouses}}{{t.ui.colon}}<strong id="allocation-warehouses">{{warehouses}}</strong></p>{{/warehouses}}
          {{^empty(rows)}}<div class="table-scroll"><table class="grid" id="allocation-lines">
            <thead><tr><th>#</th><th>{{t.ui.field.sku}}</th><th class="num">{{t.ui.field.quantity}}</th><th class="num">{{t.ui.allocation.allocated}}</th><th>{{t.ui.allocation.picks}}</th></tr></thead>
            <tbody>{{#rows}}<tr>
              <td>{{no}}</td><td>{{sku}}</td><td class="num">{{quantity}}</td>
              <td class="num">{{allocated}}{{#shortBy}}<br><span class="status" data-status="on_hold">{{t.ui.allocation.short}} {{shortBy}}</span>{{/shortBy}}{{#toProduce}}<br><span class="status">{{t.ui.allocation.toProduce}} {{toProduce}}</span>{{/toProduce}}</td>
              <td><ul class="picks">{{#picks}}<li>{{warehouse}} · {{t.ui.allocation.location}} {{location}}{{#lot}} · {{t.ui.allocation.lot}} {{lot}}{{/lot}}{{#expiry}} · {{t.ui.allocation.expiry}} {{expiry}}{{/expiry}} · <strong>{{quantity}}</strong></li>{{/picks}}</ul>
                <details class="why"><summary>{{t.ui.allocation.why}}</summary><ul>{{#why}}<li>{{.}}</li>{{/why}}</ul></details></td>
            </tr>{{/rows}}</tbody>
          </table></div>{{/empty(rows)}}
          <div class="toolbar">
          {{#releaseAction}}<form method="post" action="{{releaseAction}}" class="inline"><input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit" class="primary" id="release-to-warehouse">{{t.ui.allocation.release}}</button></form>{{/releaseAction}}
          {{#rerunAction}}<form method="post" action="{{rerunAction}}" class="inline"><input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit" id="reallocate">{{t.ui.allocation.rerun}}</button></form>{{/rerunAction}}
          </div>
        </section>
        """

    /// `OrderPageModel.Header`: who, where, what kind.
    static let orderHeader = """
        <p class="hint">{{customer}} · {{contact}} · {{address}}</p>
        <p class="hint">{{t.ui.field.type}} {{type}} · {{t.ui.order.payment}} {{payment}} · {{t.ui.order.requested}} {{requested}} · {{t.ui.order.promised}} {{promised}} · {{t.ui.order.revision}} r{{revision}} · {{t.ui.field.received}} {{received}}</p>
        {{#requirements}}<p class="notice" id="requirements">{{t.ui.order.requirements}}{{t.ui.colon}}{{requirements}}</p>{{/requirements}}
        {{#notes}}<p class="hint">{{t.ui.field.notes}}{{t.ui.colon}}{{notes}}</p>{{/notes}}
        """

    /// `OrderPageModel.Lines`: the lines and the total, amounts right-aligned.
    static let orderLines = """
        <div class="table-scroll">
        <table class="grid">
          <thead><tr><th>#</th><th>{{t.ui.field.sku}}</th><th>{{t.ui.field.name}}</th><th class="num">{{t.ui.field.quantity}}</th><th class="num">{{t.ui.order.unitPrice}}</th><th class="num">{{t.ui.order.amount}}</th></tr></thead>
          <tbody>{{#rows}}<tr><td>{{no}}</td><td>{{sku}}</td><td>{{description}}</td><td class="num">{{quantity}}</td><td class="num">{{unitPrice}}{{#override}} <span title="{{listPrice}}">*</span>{{/override}}</td><td class="num">{{amount}}</td></tr>{{/rows}}</tbody>
          <tfoot><tr><td colspan="5">{{t.ui.order.total}}</td><td id="order-total" class="num">{{total}}</td></tr></tfoot>
        </table>
        </div>
        {{#hasOverride}}<p class="hint legend" id="override-legend">{{t.ui.order.overrideLegend}}</p>{{/hasOverride}}
        """

    /// `OrderPageModel.Review`: the stage's findings and, for the one who decides it, the decision form.
    static let reviewPanel = """
        <section class="panel" id="review-panel" data-stage="{{stage}}">
          <h2>{{stageName}}</h2>
          {{#credit}}<p id="credit-outcome" data-outcome="{{code}}"><strong>{{label}}</strong></p>{{/credit}}
          <ul class="findings" id="findings">{{#findings}}<li class="{{severity}}">{{text}}</li>{{/findings}}</ul>
          {{#canDecide}}
          <form method="post" action="{{action}}" id="review-form" class="toolbar">
            <input type="hidden" name="_csrf" value="{{csrf}}">
            <input type="hidden" name="stage" value="{{stage}}">
            <input name="reason" id="review-reason" placeholder="{{t.ui.order.reason}}">
            {{#hasOverrides}}<label class="check"><input type="checkbox" name="approveOverrides" id="approve-overrides" value="on"> {{t.ui.order.approveOverrides}}</label>{{/hasOverrides}}
            <button type="submit" name="decision" value="pass" class="primary" id="review-pass">{{t.review.decision.pass}}</button>
            <button type="submit" name="decision" value="hold" id="review-hold">{{t.review.decision.hold}}</button>
            <button type="submit" name="decision" value="reject" id="review-reject">{{t.review.decision.reject}}</button>
          </form>
          {{/canDecide}}
        </section>
        """

    /// `OrderPageModel.Confirmation`: waiting for the customer.
    static let confirmationPanel = """
        <section class="panel" id="confirmation-panel">
          <h2>{{t.ui.order.confirmation}}</h2>
          <p class="hint">{{t.ui.order.deadline}}: <span id="confirmation-deadline">{{deadline}}</span></p>
          {{#pendingCustomerRequest}}<p class="alert">{{t.ui.order.customerAskedChange}}</p>{{/pendingCustomerRequest}}
          <form method="post" action="{{recordAction}}" class="toolbar" id="confirmation-form">
            <input type="hidden" name="_csrf" value="{{csrf}}">
            <select name="via" id="confirmation-via">{{#channels}}<option value="{{value}}">{{label}}</option>{{/channels}}</select>
            <input name="note" id="confirmation-note" placeholder="{{t.ui.order.confirmationNote}}">
            <button type="submit" class="primary" id="record-confirmation">{{t.ui.order.recordConfirmation}}</button>
          </form>
          <form method="post" action="{{resendAction}}" class="toolbar">
            <input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit" id="resend-confirmation">{{t.ui.order.resendConfirmation}}</button>
          </form>
          <form method="post" action="{{linkAction}}" class="toolbar">
            <input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit" id="copy-new-link">{{t.ui.order.copyNewLink}}</button>
          </form>
          {{#newLink}}<div class="notice" role="status" id="new-link-panel"><p>{{t.ui.order.newLinkOnce}}</p>
            <p><input readonly id="new-link" value="{{newLink}}" size="60" autofocus></p></div>{{/newLink}}
        </section>
        """

    /// `OrderPageModel.Change`: one change request, its effects and, for an approver, the decision form.
    static let changePanel = """
        <section class="panel change" id="change-{{id}}" data-status="{{statusCode}}">
          <p><strong>#{{id}} {{status}}</strong> · {{who}} · {{when}}{{#message}} · {{message}}{{/message}}</p>
          <ul class="findings">{{#diff}}<li>{{field}}{{t.ui.colon}}{{before}} → {{after}}</li>{{/diff}}{{#findings}}<li class="{{severity}}">{{text}}</li>{{/findings}}</ul>
          {{#decision}}<p class="hint">{{decision}}</p>{{/decision}}
          {{#canDecide}}
          <form method="post" action="{{decisionAction}}" class="toolbar">
            <input type="hidden" name="_csrf" value="{{csrf}}">
            <input name="reason" placeholder="{{t.ui.order.reason}}" id="change-reason-{{id}}">
            <button type="submit" name="approve" value="yes" class="primary" id="approve-change-{{id}}">{{t.ui.order.approveChange}}</button>
            <button type="submit" name="approve" value="no" id="reject-change-{{id}}">{{t.ui.order.rejectChange}}</button>
          </form>
          {{/canDecide}}
        </section>
        """

    /// The order's record: review decisions, change requests, revisions, timers and the timeline.
    static let orderHistory = """
        {{#reviews}}
        <h2>{{t.ui.order.reviews}}</h2>
        <table class="grid" id="reviews">
          <thead><tr><th>{{t.ui.order.stage}}</th><th>{{t.ui.order.decision}}</th><th>{{t.ui.order.who}}</th><th>{{t.ui.order.reason}}</th><th>{{t.ui.order.when}}</th></tr></thead>
          <tbody>{{#rows}}<tr><td>{{stage}}</td><td>{{decision}}</td><td>{{who}}</td><td>{{reason}}</td><td>{{when}}</td></tr>{{/rows}}</tbody>
        </table>
        {{/reviews}}
        {{#changes}}<h2>{{t.ui.order.changes}}</h2>{{#rows}}{{>changePanel}}{{/rows}}{{/changes}}
        {{#revisions}}
        <h2>{{t.ui.order.revisions}}</h2>
        <table class="grid" id="revisions">
          <thead><tr><th>{{t.ui.order.revision}}</th><th>{{t.ui.order.who}}</th><th>{{t.ui.order.when}}</th><th>{{t.ui.order.reason}}</th><th>{{t.ui.order.diff}}</th></tr></thead>
          <tbody>{{#rows}}<tr><td>r{{revision}}</td><td>{{who}}</td><td>{{when}}</td><td>{{reason}}</td><td>{{#diff}}{{field}}{{t.ui.colon}}{{before}} → {{after}}<br>{{/diff}}</td></tr>{{/rows}}</tbody>
        </table>
        {{/revisions}}
        {{#timers}}
        <h2>{{t.ui.order.timers}}</h2>
        <table class="grid" id="timers"><tbody>{{#rows}}<tr><td>{{kind}}</td><td>{{due}}</td><td>{{outcome}}</td></tr>{{/rows}}</tbody></table>
        {{/timers}}
        <h2>{{t.ui.order.timeline}}</h2>
        <table class="grid" id="timeline">
          <thead><tr><th>{{t.ui.order.when}}</th><th>{{t.ui.order.who}}</th><th>{{t.ui.order.step}}</th><th>{{t.ui.order.fromTo}}</th><th>{{t.ui.order.reason}}</th></tr></thead>
          <tbody>{{#timeline}}<tr><td>{{when}}</td><td>{{who}}</td><td>{{step}}</td><td>{{fromTo}}</td><td>{{reason}}</td></tr>{{/timeline}}</tbody>
        </table>
        """


    static let entry = """
        {{<layout}}
        {{$title}}{{page.title}}{{/title}}
        {{$content}}
        {{#page}}
        <h1 id="page-title">{{title}}</h1>
        {{#notice}}<p class="notice" role="status" id="notice">{{notice}}</p>{{/notice}}
        {{#problemSummary}}<div class="alert" role="alert" id="form-errors"><p>{{problemSummary}}</p><ul>{{#problemList}}<li>{{.}}</li>{{/problemList}}</ul></div>{{/problemSummary}}
        <p class="hint">{{t.ui.entry.keys}}</p>
        <form method="post" action="{{action}}" id="order-entry" novalidate>
          <button type="submit" name="op" value="submit" class="offscreen" tabindex="-1" aria-hidden="true"></button>
          <input type="hidden" name="_csrf" value="{{csrf}}">
          <input type="hidden" name="key" value="{{key}}">
          <fieldset>
            <legend>{{t.ui.entry.customer}}</legend>
            {{#fields}}{{>field}}{{/fields}}
            <p class="hint" id="customer-name">{{customerName}}</p>
          </fieldset>
          <div class="table-scroll"><table class="grid lines" id="lines">
            <thead><tr><th>#</th><th>{{t.ui.field.sku}}</th><th>{{t.ui.field.name}}</th><th>{{t.ui.field.quantity}}</th><th>{{t.ui.order.unitPrice}}</th><th class="num">{{t.ui.order.amount}}</th><th>{{t.ui.entry.availableHeader}}</th><th></th></tr></thead>
            <tbody>
            {{#lines}}<tr class="line{{#error}} invalid{{/error}}"><td>{{no}}</td><td><input name="sku" value="{{sku}}" class="sku" id="sku-{{no}}" list="product-options" autocomplete="off"></td><td class="name">{{name}}{{#error}}<small class="error">{{error}}</small>{{/error}}</td><td><input name="quantity" value="{{quantity}}" class="qty" id="qty-{{no}}" inputmode="numeric"></td><td><input name="price" value="{{price}}" class="price" id="price-{{no}}" inputmode="decimal" placeholder="{{listPrice}}"></td><td class="num amount">{{amount}}</td><td class="available">{{available}}</td><td><button type="button" class="remove-line link" title="{{t.ui.entry.removeLine}}" aria-label="{{t.ui.entry.removeLine}}">×</button></td></tr>{{/lines}}
            </tbody>
            <tfoot><tr><td colspan="5">{{t.ui.order.total}}</td><td class="num" id="entry-total">{{entryTotal}}</td><td colspan="2"></td></tr></tfoot>
          </table></div>
          <datalist id="product-options"></datalist><datalist id="customer-options"></datalist>
          <p class="toolbar">
            <button type="submit" name="op" value="more" id="more-lines">{{t.ui.entry.moreLines}}</button>
            {{#canRepeat}}<button type="submit" name="op" value="repeat" id="repeat-last">{{t.ui.entry.repeatLast}}</button>{{/canRepeat}}
          </p>
          <details{{#pasteOpen}} open{{/pasteOpen}}>
            <summary>{{t.ui.entry.paste}}</summary>
            <p class="hint">{{t.ui.entry.pasteHelp}}</p>
            <textarea name="paste" id="paste-lines" rows="6">{{paste}}</textarea>
            <p><button type="submit" name="op" value="paste" id="apply-paste">{{t.ui.entry.applyPaste}}</button></p>
          </details>
          {{#showMessage}}<label class="wide"><span>{{t.ui.entry.message}}</span><textarea name="message" id="change-message" rows="3">{{message}}</textarea></label>{{/showMessage}}
          {{#offerKeep}}<label class="check"><input type="checkbox" name="keepIncomplete" id="keep-incomplete" value="on"> {{t.ui.entry.keepIncomplete}}</label>{{/offerKeep}}
          <div class="actions"><button type="submit" name="op" value="submit" class="primary" id="submit-order">{{submitLabel}}</button> <a href="{{cancelHref}}">{{t.ui.form.cancel}}</a></div>
        </form>
        <script src="{{route.entryScript}}" defer></script>
        {{/page}}
        {{/content}}
        {{/layout}}
        """

    static let importPage = """
        {{<layout}}
        {{$title}}{{t.ui.import.title}}{{/title}}
        {{$content}}
        {{#page}}
        <h1 id="page-title">{{t.ui.import.title}}</h1>
        <p class="hint">{{t.ui.import.help}}</p>
        <p><code>{{header}}</code> <a class="button" id="import-template" href="{{route.orderImportTemplate}}" download>{{t.ui.import.template}}</a></p>
        {{#problemSummary}}<p class="alert" role="alert" id="form-errors">{{problemSummary}}</p>{{/problemSummary}}
        <form method="post" action="{{route.orderImport}}" id="import-form">
          <input type="hidden" name="_csrf" value="{{csrf}}">
          <label><span>{{t.ui.import.file}}</span><input type="file" id="csv-file" accept=".csv,text/csv"></label>
          <label class="wide"><span>{{t.ui.import.text}}</span><textarea name="csv" id="csv-text" rows="12">{{csv}}</textarea></label>
          <button type="submit" class="primary" id="import-submit">{{t.ui.import.submit}}</button>
        </form>
        {{#report}}
        <h2 id="import-summary">{{summary}}</h2>
        <table class="grid" id="imported">
          <thead><tr><th>{{t.ui.import.lines}}</th><th>{{t.ui.field.number}}</th><th>{{t.ui.field.status}}</th></tr></thead>
          <tbody>{{#imported}}<tr><td>{{lines}}</td><td><a href="{{href}}">{{number}}</a></td><td>{{status}}{{#again}}{{t.ui.import.already}}{{/again}}</td></tr>{{/imported}}</tbody>
        </table>
        {{#hasRefused}}
        <h2>{{t.ui.import.refused}}</h2>
        <table class="grid" id="refused">
          <thead><tr><th class="num">{{t.ui.import.line}}</th><th>{{t.ui.import.field}}</th><th>{{t.ui.import.problem}}</th></tr></thead>
          <tbody>{{#refused}}<tr><td class="num">{{line}}</td><td>{{column}}</td><td>{{message}}</td></tr>{{/refused}}</tbody>
        </table>
        {{/hasRefused}}
        {{/report}}
        {{/page}}
        <script src="{{route.entryScript}}" defer></script>
        {{/content}}
        {{/layout}}
        """

    static let confirm = """
        {{<layout}}
        {{$title}}{{t.ui.confirm.title}}{{/title}}
        {{$content}}
        {{#page}}
        <section class="card">
          <h1 id="page-title">{{t.ui.confirm.title}} {{number}}</h1>
          {{#done}}<p class="notice" role="status" id="confirm-done">{{done}}</p>{{/done}}
          {{#problemSummary}}<p class="alert" role="alert" id="form-errors">{{problemSummary}}</p>{{/problemSummary}}
          {{#closed}}<p class="alert" id="confirm-closed">{{closed}}</p>{{/closed}}
          <dl class="facts">
            <dt>{{t.ui.confirm.customer}}</dt><dd>{{customerName}}{{#contact}} · {{contact}}{{/contact}}</dd>
            <dt>{{t.ui.confirm.address}}</dt><dd>{{address}}</dd>
            <dt>{{t.ui.order.promised}}</dt><dd>{{promised}}</dd>
          </dl>
          <div class="table-scroll"><table class="grid">
            <thead><tr><th>{{t.ui.field.sku}}</th><th>{{t.ui.field.name}}</th><th class="num">{{t.ui.field.quantity}}</th><th class="num">{{t.ui.order.unitPrice}}</th><th class="num">{{t.ui.order.amount}}</th></tr></thead>
            <tbody>{{#lines}}<tr><td>{{sku}}</td><td>{{description}}</td><td class="num">{{quantity}}</td><td class="num">{{unitPrice}}</td><td class="num">{{amount}}</td></tr>{{/lines}}</tbody>
            <tfoot><tr><td colspan="4">{{t.ui.order.total}}</td><td class="num" id="confirm-total">{{total}}</td></tr></tfoot>
          </table></div>
          {{#deadline}}
          <p class="hint" id="confirm-deadline">{{deadline}}</p>
          <form method="post" id="confirm-form">
            <label class="wide"><span>{{t.ui.confirm.requirements}}</span><textarea name="requirements" id="requirements" rows="3"></textarea></label>
            <button type="submit" name="op" value="confirm" class="primary" id="confirm-order">{{t.ui.confirm.confirm}}</button>
          </form>
          <form method="post" id="change-form">
            <label class="wide"><span>{{t.ui.confirm.changeMessage}}</span><textarea name="message" id="change-message" rows="3"></textarea></label>
            <button type="submit" name="op" value="change" id="ask-change">{{t.ui.confirm.askChange}}</button>
          </form>
          {{/deadline}}
          <p class="langs"><a href="?lang=zh-CN">中文</a> · <a href="?lang=en">English</a></p>
        </section>
        {{/page}}
        {{/content}}
        {{/layout}}
        """

    /// The entry grid's keyboard handling and lookups, and reading an import file. Progressive: every page works
    /// without it.
    static let script = """
        "use strict";
        (function () {
          function rows() { return Array.prototype.slice.call(document.querySelectorAll("#lines tbody tr")); }
          function debounce(fn, ms) { var t; return function () { var a = arguments, s = this; clearTimeout(t); t = setTimeout(function () { fn.apply(s, a); }, ms); }; }
          function lookup(path, q, list, render) {
            if (!q) { return; }
            fetch(path + "?limit=10&q=" + encodeURIComponent(q), { credentials: "same-origin", headers: { "Accept": "application/json" } })
              .then(function (r) { return r.ok ? r.json() : { items: [] }; })
              .then(function (page) {
                var datalist = document.getElementById(list);
                if (!datalist) { return; }
                datalist.textContent = "";
                (page.items || []).forEach(function (item) {
                  var option = document.createElement("option");
                  var r = render(item);
                  option.value = r.value; option.label = r.label;
                  datalist.appendChild(option);
                });
                window.docketLookup = window.docketLookup || {};
                (page.items || []).forEach(function (item) { window.docketLookup[render(item).value] = item; });
              });
          }
          function money(m) { return m && typeof m.minor === "number" ? (m.minor / 100).toFixed(2) : ""; }
          function describe(input) {
            var item = (window.docketLookup || {})[input.value];
            var row = input.closest("tr");
            if (!row) { return; }
            if (item && item.sku) {
              row.querySelector(".name").textContent = item.nameZh + (item.nameEn ? " / " + item.nameEn : "");
              row.querySelector(".price").placeholder = money(item.listPrice);
            }
          }
          var productLookup = debounce(function (input) {
            lookup("/api/v1/products", input.value.trim(), "product-options", function (p) {
              return { value: p.sku, label: p.nameZh + " " + (p.nameEn || "") + " ¥" + money(p.listPrice) };
            });
          }, 150);
          var customerLookup = debounce(function (input) {
            lookup("/api/v1/customers", input.value.trim(), "customer-options", function (c) {
              return { value: c.code, label: c.name };
            });
          }, 150);
          function fen(text) {
            var m = /^\\s*(\\d{1,10})(?:\\.(\\d{1,2}))?\\s*$/.exec(text || "");
            return m ? parseInt(m[1], 10) * 100 + (m[2] ? parseInt((m[2] + "0").slice(0, 2), 10) : 0) : null;
          }
          function yuan(f) { return "¥" + (f / 100).toFixed(2).replace(/\\B(?=(\\d{3})+(?!\\d))/g, ","); }
          // Each line's amount (quantity × price, or the list price) and the running total, as the desk types.
          function recompute() {
            var total = 0;
            rows().forEach(function (row) {
              var qty = /^\\s*\\d{1,8}\\s*$/.test(row.querySelector(".qty").value) ? parseInt(row.querySelector(".qty").value, 10) : null;
              var priceInput = row.querySelector(".price");
              var price = fen(priceInput.value || priceInput.placeholder);
              var cell = row.querySelector(".amount");
              if (qty !== null && qty > 0 && price !== null && row.querySelector(".sku").value.trim()) {
                cell.textContent = yuan(qty * price);
                total += qty * price;
              } else {
                cell.textContent = "";
              }
            });
            var out = document.getElementById("entry-total");
            if (out) { out.textContent = yuan(total); }
          }
          function renumber() {
            rows().forEach(function (row, i) { row.querySelector("td").textContent = String(i + 1); });
          }
          function addRow() {
            var all = rows();
            var last = all[all.length - 1];
            var copy = last.cloneNode(true);
            var n = all.length + 1;
            copy.className = "line";
            copy.querySelector("td").textContent = String(n);
            copy.querySelectorAll("input").forEach(function (input) {
              input.value = "";
              if (input.className === "price") { input.placeholder = ""; }
              input.id = input.className + "-" + n;
            });
            copy.querySelector(".name").textContent = "";
            copy.querySelector(".amount").textContent = "";
            copy.querySelector(".available").textContent = "";
            last.parentNode.appendChild(copy);
            return copy;
          }
          var form = document.getElementById("order-entry");
          if (form) {
            // × deletes a line (the last one left is only emptied).
            form.addEventListener("click", function (event) {
              var button = event.target.closest ? event.target.closest(".remove-line") : null;
              if (!button) { return; }
              var row = button.closest("tr");
              if (rows().length > 1) {
                row.parentNode.removeChild(row);
              } else {
                row.querySelectorAll("input").forEach(function (input) { input.value = ""; });
                row.querySelector(".name").textContent = "";
                row.querySelector(".available").textContent = "";
              }
              renumber();
              recompute();
            });
            form.addEventListener("input", function (event) {
              var t = event.target;
              if (t.classList.contains("sku")) {
                productLookup(t); describe(t);
                var row = t.closest("tr");
                if (row) { row.querySelector(".available").textContent = ""; }
              }
              recompute();
              if (t.id === "customerCode") { customerLookup(t); }
            });
            form.addEventListener("change", function (event) {
              var t = event.target;
              if (t.classList.contains("sku")) { describe(t); }
              if (t.id === "customerCode") {
                var c = (window.docketLookup || {})[t.value];
                if (c && c.name) { document.getElementById("customer-name").textContent = c.name; }
              }
            });
            // Enter moves on (SKU → quantity → next line's SKU, adding lines as needed); Ctrl+Enter saves.
            form.addEventListener("keydown", function (event) {
              var t = event.target;
              if (event.key !== "Enter" || t.tagName === "TEXTAREA" || t.tagName === "BUTTON") { return; }
              if (event.ctrlKey || event.metaKey) { event.preventDefault(); document.getElementById("submit-order").click(); return; }
              event.preventDefault();
              var row = t.closest("#lines tbody tr");
              if (row) {
                if (t.classList.contains("sku")) { row.querySelector(".qty").focus(); return; }
                var next = row.nextElementSibling || addRow();
                next.querySelector(".sku").focus();
                return;
              }
              var fields = Array.prototype.slice.call(form.querySelectorAll("fieldset input, fieldset select"));
              var i = fields.indexOf(t);
              if (i >= 0 && i + 1 < fields.length) { fields[i + 1].focus(); } else { rows()[0].querySelector(".sku").focus(); }
            });
          }
          var file = document.getElementById("csv-file");
          if (file) {
            file.addEventListener("change", function () {
              var f = file.files && file.files[0];
              if (!f) { return; }
              // Excel in China saves CSV as GBK/GB18030: read UTF-8 when the bytes are UTF-8, GB18030 otherwise.
              var reader = new FileReader();
              reader.onload = function () {
                var bytes = new Uint8Array(reader.result), text;
                try { text = new TextDecoder("utf-8", { fatal: true }).decode(bytes); }
                catch (e) { text = new TextDecoder("gb18030").decode(bytes); }
                document.getElementById("csv-text").value = text.replace(/^\\uFEFF/, "");
              };
              reader.readAsArrayBuffer(f);
            });
          }
        })();
        """
}
