/// The shipping pages' templates: the queues, a shipment with its next step, cases, and the printable documents
/// (their own layout, without the navigation, sized for A4 or 100×150 mm label stock by `@page`).
enum ShippingTemplates {
    static let all: [String: String] = [
        "shippingQueue": queue, "shipment": shipment, "cases": cases, "afterSalesCase": afterSalesCase, "printLayout": printLayout,
        "pickList": pickList, "shippingDocument": document,
    ]

    /// `ShippingQueueModel`.
    static let queue = """
        {{<layout}}
        {{$title}}{{t.ui.ship.title}}{{/title}}
        {{$content}}
        {{#page}}
        <h1 id="page-title">{{t.ui.ship.title}}</h1>
        <nav class="tabs" id="stages">{{#tabs}}<a href="{{href}}"{{#current}} aria-current="page"{{/current}}>{{label}} <span class="badge">{{count}}</span></a>{{/tabs}}<a href="{{casesHref}}" id="cases-tab">{{t.ui.case.open}}</a></nav>
        <form method="get" action="{{action}}" class="filters" id="queue-filter">
          <input type="hidden" name="stage" value="{{stage}}">
          <label><span>{{t.ui.field.warehouse}}</span><select name="warehouse" id="warehouse-filter">{{#warehouses}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/warehouses}}</select></label>
          <button type="submit">{{t.ui.ship.filter}}</button>
        </form>
        <p class="hint">{{hint}}</p>
        <form method="get" action="{{pickListAction}}" id="wave-form">
        <div class="table-scroll">
        <table class="grid" id="shipments">
          <thead><tr>{{#wave}}<th><span class="offscreen">{{t.ui.ship.select}}</span></th>{{/wave}}<th>{{t.entity.shipment}}</th><th>{{t.ui.field.number}}</th><th>{{t.ui.field.customer}}</th><th>{{t.ui.field.warehouse}}</th><th>{{t.ui.order.promised}}</th><th class="num">{{t.ui.ship.lines}}</th><th class="num">{{t.ui.ship.units}}</th><th>{{t.ui.field.status}}</th>{{#showCarrier}}<th>{{t.ui.ship.carrier}}</th>{{/showCarrier}}{{#showTracking}}<th>{{t.field.trackingNumber}}</th><th>{{t.ui.ship.eta}}</th><th>{{t.ui.ship.lastEvent}}</th>{{/showTracking}}</tr></thead>
          <tbody>
          {{#rows}}<tr data-shipment="{{number}}">{{#wave}}<td><input type="checkbox" name="id" value="{{id}}" aria-label="{{number}}" checked></td>{{/wave}}
            <td><a href="{{href}}" class="shipment-link">{{number}}</a>{{#urgent}} <span class="status urgent">{{t.ui.order.urgent}}</span>{{/urgent}}</td>
            <td><a href="{{orderHref}}">{{orderNumber}}</a></td><td>{{customer}}</td><td>{{warehouse}}</td>
            <td>{{promised}}{{#late}} <span class="status urgent">{{t.ui.ship.late}}</span>{{/late}}</td>
            <td class="num">{{lines}}</td><td class="num">{{units}}</td><td><span class="status" data-status="{{statusKey}}">{{status}}</span></td>
            {{#showCarrier}}<td>{{carrier}}</td>{{/showCarrier}}{{#showTracking}}<td>{{tracking}}</td><td>{{eta}}</td><td>{{lastEvent}}</td>{{/showTracking}}</tr>
          {{/rows}}
          {{^rows}}<tr><td colspan="12" class="empty">{{t.ui.ship.empty}}</td></tr>{{/rows}}
          </tbody>
        </table>
        </div>
        {{#wave}}<p class="toolbar"><button type="submit" class="primary" id="print-wave">{{t.ui.ship.printWave}}</button></p>{{/wave}}
        </form>
        {{/page}}
        {{/content}}
        {{/layout}}
        """

    /// `ShipmentPageModel`: the facts, the documents, and one panel per step, each with its form only while that
    /// step is next and the reader may take it.
    static let shipment = """
        {{<layout}}
        {{$title}}{{page.title}}{{/title}}
        {{$content}}
        {{#page}}
        <p><a href="{{backHref}}">‹ {{t.ui.ship.title}}</a></p>
        <h1 id="page-title">{{title}} <span class="status" data-status="{{statusKey}}" id="shipment-status">{{status}}</span></h1>
        {{#error}}<p class="alert" role="alert" id="shipment-error">{{error}}</p>{{/error}}
        <div class="figures" id="shipment-facts">{{#facts}}<div class="figure"><span class="label">{{label}}</span><span>{{#href}}<a href="{{href}}">{{value}}</a>{{/href}}{{^href}}{{value}}{{/href}}</span></div>{{/facts}}</div>
        {{#address}}<p class="hint" id="shipment-address">{{t.ui.ship.deliverTo}}{{address}}</p>{{/address}}
        <p class="toolbar" id="documents">{{#documents}}<a class="button" href="{{href}}" target="_blank" rel="noopener">{{text}}</a>{{/documents}}</p>

        <section class="panel" id="pick-panel"><h2>{{t.ui.ship.pickPanel}}</h2>
        {{#pickAction}}<form method="post" action="{{pickAction}}" id="pick-form"><input type="hidden" name="_csrf" value="{{csrf}}"><input type="hidden" name="version" value="{{version}}">{{/pickAction}}
        <div class="table-scroll"><table class="grid edit" id="pick-lines">
          <thead><tr><th>{{t.ui.field.location}}</th><th>{{t.ui.field.sku}}</th><th>{{t.ui.ship.goods}}</th><th>{{t.ui.field.lot}}</th><th>{{t.ui.field.expiryDate}}</th><th class="num">{{t.ui.ship.toPick}}</th><th class="num">{{t.ui.ship.picked}}</th></tr></thead>
          <tbody>{{#lines}}<tr><td>{{location}}</td><td>{{sku}}</td><td>{{name}}</td><td>{{lot}}</td><td>{{expiry}}</td><td class="num">{{quantity}}</td>
            <td class="num">{{#pickAction}}<input type="hidden" name="picked[{{index}}].lineId" value="{{lineID}}"><input type="hidden" name="picked[{{index}}].lotId" value="{{lotID}}"><input type="number" min="0" max="{{quantity}}" name="picked[{{index}}].quantity" value="{{typed}}" aria-label="{{t.ui.ship.picked}} {{sku}}" class="picked-quantity">{{/pickAction}}{{^pickAction}}{{picked}}{{#short}} <span class="status urgent">{{t.ui.ship.short}}</span>{{/short}}{{/pickAction}}</td></tr>{{/lines}}</tbody>
        </table></div>
        {{#pickAction}}<p class="hint">{{t.ui.ship.pickHint}}</p><p class="toolbar"><button type="submit" class="primary" id="confirm-pick">{{t.shipment.action.pick}}</button></p></form>{{/pickAction}}
        </section>

        {{^empty(packages)}}<section class="panel" id="pack-panel"><h2>{{t.ui.ship.packPanel}}</h2>{{/empty(packages)}}
        {{#packAction}}<form method="post" action="{{packAction}}" id="pack-form"><input type="hidden" name="_csrf" value="{{csrf}}"><input type="hidden" name="version" value="{{version}}"><p class="hint">{{t.ui.ship.packHint}}</p>{{/packAction}}
        {{^empty(packages)}}<div class="table-scroll"><table class="grid edit" id="packages">
          <thead><tr><th>{{t.ui.ship.package}}</th><th>{{t.ui.ship.contents}}</th><th class="num">{{t.ui.ship.weightKg}}</th><th class="num">{{t.field.lengthMm}}</th><th class="num">{{t.field.widthMm}}</th><th class="num">{{t.field.heightMm}}</th><th class="num">{{t.ui.ship.volume}}</th><th>{{t.ui.ship.handling}}</th></tr></thead>
          <tbody>{{/empty(packages)}}{{#packages}}<tr><td>{{label}}</td><td>{{contents}}</td>
            {{#packAction}}<td class="num"><input name="packages[{{index}}].weightKg" value="{{weightKg}}" inputmode="decimal" aria-label="{{label}} {{t.ui.ship.weightKg}}"></td><td class="num"><input name="packages[{{index}}].lengthMm" value="{{lengthMm}}" inputmode="numeric" aria-label="{{label}} {{t.field.lengthMm}}"></td><td class="num"><input name="packages[{{index}}].widthMm" value="{{widthMm}}" inputmode="numeric" aria-label="{{label}} {{t.field.widthMm}}"></td><td class="num"><input name="packages[{{index}}].heightMm" value="{{heightMm}}" inputmode="numeric" aria-label="{{label}} {{t.field.heightMm}}"></td>{{/packAction}}
            {{^packAction}}<td class="num">{{weightKg}}</td><td class="num">{{lengthMm}}</td><td class="num">{{widthMm}}</td><td class="num">{{heightMm}}</td>{{/packAction}}
            <td class="num">{{volume}}</td><td>{{handling}}</td></tr>{{/packages}}{{^empty(packages)}}</tbody>
        </table></div>{{/empty(packages)}}
        {{#packAction}}<p class="toolbar"><button type="submit" class="primary" id="confirm-pack">{{t.shipment.action.pack}}</button></p></form>{{/packAction}}
        {{^empty(packages)}}</section>{{/empty(packages)}}

        {{#carrier}}<section class="panel" id="carrier-panel"><h2>{{t.ui.ship.carrierPanel}}</h2>
          <p id="carrier-rule">{{rule}}</p>
          {{#taken}}<p id="carrier-taken"><strong>{{t.ui.ship.taken}}{{taken}}</strong>{{#chosenBy}} · {{chosenBy}} · {{chosenAt}}{{/chosenBy}}{{#overrideReason}}<br>{{t.ui.ship.overrideReason}}{{overrideReason}}{{/overrideReason}}</p>{{/taken}}
          {{#action}}<form method="post" action="{{action}}" id="carrier-form"><input type="hidden" name="_csrf" value="{{csrf}}"><input type="hidden" name="version" value="{{page.version}}">{{/action}}
          <div class="table-scroll"><table class="grid" id="carrier-options">
            <thead><tr>{{#action}}<th><span class="offscreen">{{t.ui.ship.select}}</span></th>{{/action}}<th>{{t.ui.ship.option}}</th><th>{{t.ui.ship.mode}}</th><th class="num">{{t.ui.ship.cost}}</th><th class="num">{{t.ui.ship.days}}</th></tr></thead>
            <tbody>{{#options}}<tr data-verdict="{{verdict}}"{{#taken}} class="taken"{{/taken}}>{{#action}}<td>{{#selectable}}<input type="radio" name="option" value="{{value}}"{{#checked}} checked{{/checked}} aria-label="{{text}}">{{/selectable}}</td>{{/action}}
              <td>{{text}}{{#recommended}} <span class="status" data-status="delivered">{{t.ui.ship.recommended}}</span>{{/recommended}}</td><td>{{mode}}</td><td class="num">{{cost}}</td><td class="num">{{days}}</td></tr>{{/options}}</tbody>
          </table></div>
          {{#action}}<label>{{t.ui.ship.overrideReasonLabel}}<input name="reason" id="override-reason" value="{{reason}}" maxlength="500"></label>
          <p class="toolbar"><button type="submit" class="primary" id="choose-carrier">{{t.ui.ship.chooseCarrier}}</button></p></form>{{/action}}
        </section>{{/carrier}}

        {{#shipAction}}<section class="panel" id="ship-panel"><h2>{{t.ui.ship.shipPanel}}</h2>
          <form method="post" action="{{shipAction}}" id="ship-form" class="toolbar"><input type="hidden" name="_csrf" value="{{csrf}}"><input type="hidden" name="version" value="{{version}}">
          <label>{{t.field.trackingNumber}}<input name="trackingNumber" id="tracking-number" value="{{trackingTyped}}" maxlength="40" required autocomplete="off"></label>
          <button type="submit" class="primary" id="ship">{{t.shipment.action.ship}}</button></form>
          <p class="hint">{{t.ui.ship.shipHint}}</p>
        </section>{{/shipAction}}

        {{^empty(events)}}<section class="panel" id="tracking-panel"><h2>{{t.ui.ship.trackingPanel}}</h2>
          <table class="grid" id="events"><thead><tr><th>{{t.ui.field.time}}</th><th>{{t.ui.ship.event}}</th><th>{{t.ui.ship.place}}</th><th>{{t.ui.ship.note}}</th></tr></thead>
          <tbody>{{#events}}<tr data-kind="{{kindKey}}"><td>{{when}}</td><td>{{kind}}</td><td>{{location}}</td><td>{{note}}</td></tr>{{/events}}</tbody></table>
        </section>{{/empty(events)}}
        {{#eventAction}}<section class="panel" id="event-panel"><h2>{{t.ui.ship.addEvent}}</h2>
          <form method="post" action="{{eventAction}}" id="event-form" class="split"><input type="hidden" name="_csrf" value="{{csrf}}">
          <label>{{t.ui.ship.event}}<select name="kind" id="event-kind">{{#eventKinds}}<option value="{{value}}">{{label}}</option>{{/eventKinds}}</select></label>
          <label>{{t.ui.field.time}}<input type="datetime-local" name="occurredAt" value="{{now}}"></label>
          <label>{{t.ui.ship.place}}<input name="location" maxlength="200"></label>
          <label>{{t.ui.ship.note}}<input name="note" maxlength="500"></label>
          <label>{{t.ui.ship.newEtaLabel}}<input type="date" name="eta"></label>
          <p class="toolbar"><button type="submit" id="add-event">{{t.ui.ship.addEvent}}</button></p></form>
        </section>{{/eventAction}}

        {{#deliveryAction}}<section class="panel" id="delivery-panel"><h2>{{t.ui.ship.deliveryPanel}}</h2>
          <form method="post" action="{{deliveryAction}}" id="delivery-form" enctype="multipart/form-data"><input type="hidden" name="_csrf" value="{{csrf}}"><input type="hidden" name="version" value="{{version}}">
          <div class="split"><label>{{t.field.signer}}<input name="signer" id="signer" maxlength="100" required></label>
          <label>{{t.field.signedAt}}<input type="datetime-local" name="signedAt" value="{{now}}"></label>
          <label>{{t.ui.ship.proofLabel}}<input type="file" name="proof" id="proof" accept="image/jpeg,image/png,image/webp,application/pdf"></label></div>
          <p class="hint">{{t.ui.ship.refuseHint}}</p>
          <table class="grid edit" id="refusals"><thead><tr><th>{{t.ui.field.sku}}</th><th>{{t.ui.ship.goods}}</th><th class="num">{{t.ui.ship.carried}}</th><th class="num">{{t.ui.ship.refused}}</th><th>{{t.ui.ship.reason}}</th><th>{{t.ui.ship.note}}</th></tr></thead>
          <tbody>{{#carriedLines}}<tr><td>{{sku}}</td><td>{{name}}</td><td class="num">{{quantity}}</td>
            <td class="num"><input type="hidden" name="refusals[{{index}}].lineId" value="{{lineID}}"><input type="number" min="0" max="{{quantity}}" name="refusals[{{index}}].quantity" aria-label="{{t.ui.ship.refused}} {{sku}}" class="refused-quantity"></td>
            <td><select name="refusals[{{index}}].reason" aria-label="{{t.ui.ship.reason}} {{sku}}"><option value=""></option>{{#refusalReasons}}<option value="{{value}}">{{label}}</option>{{/refusalReasons}}</select></td>
            <td><input name="refusals[{{index}}].note" maxlength="500" aria-label="{{t.ui.ship.note}} {{sku}}"></td></tr>{{/carriedLines}}</tbody></table>
          <p class="toolbar"><button type="submit" class="primary" id="sign-off">{{t.ui.ship.signOff}}</button></p></form>
        </section>{{/deliveryAction}}

        {{#signer}}<section class="panel" id="signed-panel"><h2>{{t.ui.ship.signedPanel}}</h2>
          <dl class="facts"><dt>{{t.field.signer}}</dt><dd>{{signer}} · {{signedAt}}</dd>
          {{#proof}}<dt>{{t.field.proof}}</dt><dd><a href="{{href}}" id="proof-link" target="_blank" rel="noopener">{{text}}</a></dd>{{/proof}}
          {{^empty(cases)}}<dt>{{t.ui.case.open}}</dt><dd>{{#cases}}<a href="{{href}}" class="case-link">{{text}}</a> {{/cases}}</dd>{{/empty(cases)}}</dl>
          {{#proofAction}}<form method="post" action="{{proofAction}}" enctype="multipart/form-data" class="toolbar" id="proof-form"><input type="hidden" name="_csrf" value="{{csrf}}">
            <label>{{t.ui.ship.proofLabel}}<input type="file" name="proof" accept="image/jpeg,image/png,image/webp,application/pdf" required></label><button type="submit">{{t.ui.ship.upload}}</button></form>{{/proofAction}}
        </section>{{/signer}}
        {{/page}}
        {{/content}}
        {{/layout}}
        """

    static let cases = """
        {{<layout}}
        {{$title}}{{t.ui.case.open}}{{/title}}
        {{$content}}
        {{#page}}
        <p><a href="{{backHref}}">‹ {{t.ui.ship.title}}</a></p>
        <h1 id="page-title">{{t.ui.case.open}}</h1>
        <table class="grid" id="cases"><thead><tr><th>{{t.ui.case.title}}</th><th>{{t.ui.field.number}}</th><th>{{t.ui.case.opened}}</th><th>{{t.ui.case.lines}}</th><th>{{t.ui.case.returned}}</th></tr></thead>
        <tbody>{{#rows}}<tr><td><a href="{{href}}">{{number}}</a></td><td><a href="{{orderHref}}">{{order}}</a></td><td>{{opened}}</td><td>{{lines}}</td><td>{{returned}}</td></tr>{{/rows}}
        {{^rows}}<tr><td colspan="5" class="empty">{{t.ui.case.none}}</td></tr>{{/rows}}</tbody></table>
        {{/page}}
        {{/content}}
        {{/layout}}
        """

    static let afterSalesCase = """
        {{<layout}}
        {{$title}}{{page.title}}{{/title}}
        {{$content}}
        {{#page}}
        <p><a href="{{backHref}}">‹ {{t.ui.case.open}}</a></p>
        <h1 id="page-title">{{title}} <span class="status" data-status="{{statusKey}}" id="case-status">{{status}}</span></h1>
        {{#error}}<p class="alert" role="alert" id="case-error">{{error}}</p>{{/error}}
        <div class="figures">{{#facts}}<div class="figure"><span class="label">{{label}}</span><span>{{#href}}<a href="{{href}}">{{value}}</a>{{/href}}{{^href}}{{value}}{{/href}}</span></div>{{/facts}}</div>
        <table class="grid" id="case-lines"><thead><tr><th>{{t.ui.field.sku}}</th><th class="num">{{t.ui.field.quantity}}</th><th>{{t.ui.ship.reason}}</th><th>{{t.ui.ship.note}}</th></tr></thead>
        <tbody>{{#lines}}<tr><td>{{sku}}</td><td class="num">{{quantity}}</td><td>{{reason}}</td><td>{{note}}</td></tr>{{/lines}}</tbody></table>
        {{#returnAction}}<form method="post" action="{{returnAction}}" class="toolbar"><input type="hidden" name="_csrf" value="{{csrf}}"><input type="hidden" name="version" value="{{version}}">
          <button type="submit" id="receive-return">{{t.ui.case.receiveReturn}}</button><span class="hint">{{t.ui.case.returnHint}}</span></form>{{/returnAction}}
        {{#closeAction}}<form method="post" action="{{closeAction}}" class="panel" id="close-case"><input type="hidden" name="_csrf" value="{{csrf}}"><input type="hidden" name="version" value="{{version}}">
          <h2>{{t.ui.case.close}}</h2>
          <label>{{t.field.resolution}}<select name="resolution" id="resolution" required><option value=""></option>{{#resolutions}}<option value="{{value}}">{{label}}</option>{{/resolutions}}</select></label>
          <label>{{t.ui.ship.note}}<input name="note" maxlength="500"></label>
          <p class="toolbar"><button type="submit" class="primary" id="close-case-button">{{t.ui.case.close}}</button></p></form>{{/closeAction}}
        {{/page}}
        {{/content}}
        {{/layout}}
        """

    /// Printed pages: no navigation; a toolbar (print, back) that does not print.
    static let printLayout = """
        <!doctype html>
        <html lang="{{lang}}">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{$title}}Docket{{/title}} · Docket</title>
        <link rel="stylesheet" href="{{route.stylesheet}}">
        <script src="{{route.printScript}}" defer></script>
        </head>
        <body class="print">
        <p class="print-toolbar no-print"><button type="button" id="print" class="primary">{{t.ui.ship.print}}</button> <a href="{{$back}}{{/back}}">{{t.ui.ship.back}}</a></p>
        {{$content}}{{/content}}
        </body>
        </html>
        """

    /// `PickListModel`.
    static let pickList = """
        {{<printLayout}}
        {{$title}}{{page.title}}{{/title}}
        {{$back}}{{page.backHref}}{{/back}}
        {{$content}}
        {{#page}}
        <article class="sheet a4" id="pick-list">
        <header class="doc-head"><h1>{{t.ui.ship.pickList}}</h1><p>{{title}} · {{t.ui.ship.printedAt}}{{printedAt}}</p></header>
        {{#empty}}<p class="empty">{{t.ui.ship.pickListEmpty}}</p>{{/empty}}
        {{#warehouses}}<section class="wave-warehouse"><h2>{{name}}</h2>
        <table class="doc-table"><thead><tr><th>{{t.ui.field.location}}</th><th>{{t.ui.field.sku}}</th><th>{{t.ui.ship.goods}}</th><th>{{t.ui.field.lot}}</th><th>{{t.ui.field.expiryDate}}</th><th class="num">{{t.ui.field.quantity}}</th><th>{{t.ui.ship.forShipments}}</th><th class="tick">{{t.ui.ship.tick}}</th></tr></thead>
        <tbody>{{#rows}}<tr><td class="strong">{{location}}</td><td>{{sku}}</td><td>{{name}}</td><td>{{lot}}</td><td>{{expiry}}</td><td class="num">{{quantity}}</td><td>{{shipments}}</td><td class="tick">☐</td></tr>{{/rows}}</tbody></table>
        <p class="signature">{{t.ui.ship.picker}}＿＿＿＿＿＿　{{t.ui.ship.checker}}＿＿＿＿＿＿</p>
        </section>{{/warehouses}}
        <div class="barcodes">{{#shipments}}<figure><div class="code">{{{barcode}}}</div><figcaption>{{number}} · {{order}}</figcaption></figure>{{/shipments}}</div>
        </article>
        {{/page}}
        {{/content}}
        {{/printLayout}}
        """

    /// `ShippingDocumentModel`: a label per package, or one A4 document.
    static let document = """
        {{<printLayout}}
        {{$title}}{{page.title}}{{/title}}
        {{$back}}{{page.backHref}}{{/back}}
        {{$content}}
        {{#page}}
        {{#isLabel}}{{^labels}}<p class="print-toolbar empty" id="not-packed">{{t.ui.ship.notPackedYet}}</p>{{/labels}}
        {{#labels}}<article class="sheet label" id="label-{{n}}">
          <div class="label-head"><strong>{{page.carrier}}</strong><span class="of">{{n}}/{{m}}</span></div>
          {{#page.trackingBarcode}}<div class="code tracking">{{{page.trackingBarcode}}}<div class="code-text">{{page.trackingNumber}}</div></div>{{/page.trackingBarcode}}
          {{^page.trackingBarcode}}<div class="code-missing">{{t.ui.ship.noTrackingYet}}</div>{{/page.trackingBarcode}}
          <div class="party to"><span class="role">{{t.ui.ship.to}}</span><strong>{{page.consignee.name}}</strong>{{#page.consignee.lines}}<div>{{.}}</div>{{/page.consignee.lines}}</div>
          <div class="party from"><span class="role">{{t.ui.ship.from}}</span>{{page.shipper.name}}{{#page.shipper.lines}} · {{.}}{{/page.shipper.lines}}</div>
          <div class="label-facts"><span>{{t.ui.field.number}} {{page.orderNumber}}</span><span>{{t.ui.ship.weight}} {{weight}} kg</span><span>{{t.ui.ship.volume}} {{volume}}</span><span>{{size}}</span></div>
          <div class="label-goods">{{#goods}}<span>{{.}}</span>{{/goods}}</div>
          {{^empty(marks)}}<div class="marks">{{#marks}}<span class="mark">{{.}}</span>{{/marks}}</div>{{/empty(marks)}}
          <div class="code order">{{{page.orderBarcode}}}<div class="code-text">{{page.orderNumber}}</div></div>
        </article>{{/labels}}{{/isLabel}}
        {{^isLabel}}<article class="sheet a4 doc-{{kind}}" id="document">
          <header class="doc-head"><div><h1>{{heading}}</h1><p>{{shipmentNumber}} · {{t.ui.ship.printedAt}}{{printedAt}}</p></div><div class="code small">{{{orderBarcode}}}<div class="code-text">{{orderNumber}}</div></div></header>
          <div class="parties"><section><h2>{{shipper.title}}</h2><strong>{{shipper.name}}</strong>{{#shipper.lines}}<div>{{.}}</div>{{/shipper.lines}}</section>
            <section><h2>{{consignee.title}}</h2><strong>{{consignee.name}}</strong>{{#consignee.lines}}<div>{{.}}</div>{{/consignee.lines}}</section></div>
          <dl class="doc-facts">{{#facts}}<dt>{{label}}</dt><dd>{{value}}</dd>{{/facts}}</dl>
          {{#gaps}}<p class="alert">{{gaps}}</p>{{/gaps}}
          <table class="doc-table"><thead><tr><th class="num">#</th><th>{{t.ui.field.sku}}</th><th>{{t.ui.ship.goods}}</th>{{#showCustoms}}<th>{{t.ui.field.hsCode}}</th><th>{{t.ui.field.originCountry}}</th>{{/showCustoms}}<th>{{t.ui.field.lot}}</th><th class="num">{{t.ui.field.quantity}}</th><th>{{t.ui.field.unit}}</th>{{#showPrices}}<th class="num">{{t.ui.ship.unitPrice}}</th><th class="num">{{t.ui.ship.amount}}</th>{{/showPrices}}<th class="num">{{t.ui.ship.weightKg}}</th></tr></thead>
          <tbody>{{#rows}}<tr><td class="num">{{number}}</td><td>{{sku}}</td><td>{{name}}</td>{{#showCustoms}}<td>{{hsCode}}</td><td>{{origin}}</td>{{/showCustoms}}<td>{{lots}}</td><td class="num">{{quantity}}</td><td>{{unit}}</td>{{#showPrices}}<td class="num">{{unitPrice}}</td><td class="num">{{amount}}</td>{{/showPrices}}<td class="num">{{weight}}</td></tr>{{/rows}}</tbody>
          <tfoot><tr><td colspan="{{#showCustoms}}8{{/showCustoms}}{{^showCustoms}}6{{/showCustoms}}" class="num">{{t.ui.ship.total}}</td>{{#showPrices}}<td class="num" colspan="2" id="document-total">{{total}}</td>{{/showPrices}}<td class="num">{{totalWeight}}</td></tr></tfoot></table>
          {{#showSignature}}<div class="signatures"><p>{{t.ui.ship.shipperSignature}}＿＿＿＿＿＿＿＿</p><p>{{t.ui.ship.receiverSignature}}＿＿＿＿＿＿＿＿　{{t.ui.ship.date}}＿＿＿＿＿＿</p></div>{{/showSignature}}
        </article>{{/isLabel}}
        {{/page}}
        {{/content}}
        {{/printLayout}}
        """

    /// Print button: progressive (the browser's own print works without it).
    static let printScript = """
        "use strict";
        var button = document.getElementById("print");
        if (button) { button.addEventListener("click", function () { window.print(); }); }
        """

    /// The shipping pages' and printed documents' styles, appended to the stylesheet. Named pages give the label
    /// its 100×150 mm sheet and the rest A4.
    static let css = """
        .status[data-status="to_pick"], .status[data-status="picked"] { background: #eff4ff; color: #1d4ed8; }
        .status[data-status="exception"], .status[data-status="refused"] { background: #fef3f2; color: #b42318; }
        .status[data-status="open"] { background: #fffaeb; color: #b54708; }
        .status[data-status="partially_shipped"] { background: #ecfdf3; color: #067647; }
        #carrier-options tr.taken { background: #ecfdf3; }
        #carrier-options tr[data-verdict="tooHeavy"], #carrier-options tr[data-verdict="notCovered"], #carrier-options tr[data-verdict="inactive"] { color: var(--muted); }
        body.print { background: #e5e7eb; }
        .print-toolbar { max-width: 210mm; margin: .75rem auto; }
        .sheet { background: #fff; margin: 0 auto 1rem; box-shadow: 0 1px 3px rgba(0,0,0,.2); color: #000; }
        .sheet.a4 { width: 210mm; min-height: 297mm; padding: 14mm 12mm; page: a4; }
        .sheet.label { width: 100mm; height: 150mm; padding: 3mm; page: label; display: flex; flex-direction: column; gap: 1.5mm; font-size: 9pt; line-height: 1.3; overflow: hidden; }
        .sheet.label > div { border-bottom: 1px solid #000; padding-bottom: 1mm; }
        .label-head { display: flex; justify-content: space-between; font-size: 11pt; }
        .label-head .of { font-size: 14pt; font-weight: 700; }
        .party.to strong { font-size: 13pt; display: block; }
        .party .role { display: inline-block; border: 1px solid #000; padding: 0 1mm; margin-right: 1mm; font-weight: 700; }
        .label-facts, .label-goods { display: flex; flex-wrap: wrap; gap: .5mm 3mm; }
        .marks { display: flex; gap: 2mm; }
        .mark { border: 2px solid #000; padding: .5mm 2mm; font-weight: 700; font-size: 11pt; }
        .code svg { display: block; width: 100%; height: 16mm; }
        .code.tracking svg { height: 20mm; }
        .code.small { width: 70mm; }
        .code.small svg { height: 12mm; }
        .code-text { text-align: center; font-family: ui-monospace, monospace; letter-spacing: .08em; }
        .code-missing { border: 1px dashed #000; padding: 4mm; text-align: center; }
        .doc-head { display: flex; justify-content: space-between; align-items: flex-start; border-bottom: 2px solid #000; margin-bottom: 4mm; }
        .doc-head h1 { margin: 0; font-size: 18pt; }
        .parties { display: grid; grid-template-columns: 1fr 1fr; gap: 6mm; margin-bottom: 3mm; }
        .parties h2, .sheet h2 { font-size: 10pt; margin: 0 0 1mm; color: #444; }
        dl.doc-facts { display: grid; grid-template-columns: max-content 1fr max-content 1fr; gap: 1mm 4mm; margin: 0 0 4mm; }
        dl.doc-facts dt { color: #444; }
        dl.doc-facts dd { margin: 0; }
        table.doc-table { width: 100%; border-collapse: collapse; font-size: 9.5pt; }
        .doc-table th, .doc-table td { border: 1px solid #000; padding: 1mm 1.5mm; text-align: left; }
        .doc-table .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        .doc-table .tick { text-align: center; width: 12mm; }
        .doc-table .strong { font-weight: 700; }
        .barcodes { display: flex; flex-wrap: wrap; gap: 4mm; margin-top: 5mm; }
        .barcodes figure { margin: 0; width: 60mm; }
        .barcodes svg { width: 100%; height: 12mm; display: block; }
        .barcodes figcaption { text-align: center; font-size: 9pt; }
        .signatures, .signature { margin-top: 12mm; display: flex; justify-content: space-between; }
        @page a4 { size: A4; margin: 0; }
        @page label { size: 100mm 150mm; margin: 0; }
        @media print {
          body.print { background: #fff; }
          .no-print { display: none; }
          .sheet { box-shadow: none; margin: 0; break-after: page; }
          .sheet[hidden] { display: none; }
          /* A wave over several warehouses: each warehouse's pickers get their own page. */
          .wave-warehouse + .wave-warehouse { break-before: page; }
        }
        """
}
