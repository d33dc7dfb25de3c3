/// The templates of working an exception: its page and raising one on an order.
enum ExceptionTemplates {
    static let all: [String: String] = ["exception": exception, "raiseException": raiseException]

    /// `ExceptionPageModel`.
    static let exception = """
        {{<layout}}
        {{$title}}{{page.title}}{{/title}}
        {{$content}}
        {{#page}}
        <p><a href="{{backHref}}">‹ {{t.ui.exception.back}}</a></p>
        <h1 id="page-title">{{title}} <span class="status" data-status="{{statusKey}}" id="exception-status">{{status}}</span>{{#overdue}} <span class="status urgent">{{t.ui.board.standing.late}}</span>{{/overdue}}</h1>
        {{#error}}<p class="alert" role="alert" id="exception-error">{{error}}</p>{{/error}}
        <div class="figures" id="exception-facts">{{#facts}}<div class="figure"><span class="label">{{label}}</span><span>{{#href}}<a href="{{href}}">{{value}}</a>{{/href}}{{^href}}{{value}}{{/href}}</span></div>{{/facts}}</div>
        <p class="panel" id="exception-description">{{description}}</p>

        {{#assignAction}}<form method="post" action="{{assignAction}}" class="panel" id="assign-form"><input type="hidden" name="_csrf" value="{{csrf}}"><input type="hidden" name="version" value="{{version}}">
          <h2>{{t.ui.exception.assign}}</h2>
          
          <label><span>{{t.ui.exception.owner}}</span><input name="owner" value="{{owner}}" maxlength="100" id="owner"></label>
          <label><span>{{t.ui.exceptions.severity}}</span><select name="severity" id="severity">{{#severities}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/severities}}</select></label>
          <label><span>{{t.ui.exceptions.kind}}</span><select name="kind" id="kind">{{#kinds}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/kinds}}</select></label>
          
          <p class="hint">{{t.ui.exception.assignHint}}</p>
          <p class="toolbar"><button type="submit" id="assign">{{t.ui.exception.save}}</button></p></form>{{/assignAction}}

        <section class="panel" id="contacts-panel"><h2>{{t.ui.exception.contacts}}</h2>
          {{^empty(contacts)}}<table class="grid" id="contacts"><thead><tr><th>{{t.ui.exception.time}}</th><th>{{t.ui.exception.channel}}</th><th>{{t.ui.exception.by}}</th><th>{{t.ui.exception.summary}}</th></tr></thead>
          <tbody>{{#contacts}}<tr><td>{{time}}</td><td>{{channel}}</td><td>{{person}}</td><td class="wrap">{{summary}}</td></tr>{{/contacts}}</tbody></table>{{/empty(contacts)}}
          {{#empty(contacts)}}<p class="hint">{{t.ui.exception.noContacts}}</p>{{/empty(contacts)}}
          {{#contactAction}}<form method="post" action="{{contactAction}}" id="contact-form"><input type="hidden" name="_csrf" value="{{csrf}}">
            <label><span>{{t.ui.exception.channel}}</span><select name="channel" id="channel">{{#channels}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/channels}}</select></label>
            <label class="wide"><span>{{t.ui.exception.summary}}</span><textarea name="summary" id="summary" maxlength="2000" rows="2" required>{{summary}}</textarea></label>
            <p class="toolbar"><button type="submit" id="add-contact">{{t.ui.exception.addContact}}</button></p></form>{{/contactAction}}
        </section>

        <section class="panel" id="reship-panel"><h2>{{t.ui.exception.reship}}</h2>
          {{^empty(reships)}}<table class="grid" id="reships"><thead><tr><th>{{t.ui.exception.time}}</th><th>{{t.ui.exception.shipment}}</th><th>{{t.ui.field.sku}}</th><th class="num">{{t.ui.field.quantity}}</th></tr></thead>
          <tbody>{{#reships}}<tr><td>{{time}}</td><td>{{shipment}}</td><td>{{sku}}</td><td class="num">{{quantity}}</td></tr>{{/reships}}</tbody></table>{{/empty(reships)}}
          {{#empty(reships)}}<p class="hint">{{t.ui.exception.noReships}}</p>{{/empty(reships)}}
          {{#cannotReship}}<p class="hint" id="cannot-reship">{{t.ui.exception.cannotReship}}</p>{{/cannotReship}}
          {{#reshipAction}}<p class="hint">{{t.ui.exception.reshipHint}}</p>
          {{#reshipForms}}<form method="post" action="{{reshipAction}}" class="reship-form" data-shipment="{{number}}"><input type="hidden" name="_csrf" value="{{csrf}}"><input type="hidden" name="version" value="{{version}}"><input type="hidden" name="shipment" value="{{shipmentID}}">
            <h3>{{t.ui.exception.reshipFrom}} {{number}} <span class="hint">{{status}}</span></h3>
            <table class="grid"><thead><tr><th>{{t.ui.field.product}}</th><th class="num">{{t.ui.field.quantity}}</th></tr></thead>
            <tbody>{{#lines}}<tr><td>{{name}} <span class="hint">{{sku}}</span></td><td class="num"><input name="q.{{lineID}}" type="number" min="0" max="{{most}}" value="{{most}}" class="qty" aria-label="{{sku}} {{t.ui.field.quantity}}"></td></tr>{{/lines}}</tbody></table>
            <p class="toolbar"><button type="submit" class="{{#preferred}}primary{{/preferred}}" id="reship-{{shipmentID}}">{{t.ui.exception.reshipAll}}</button></p></form>{{/reshipForms}}{{/reshipAction}}
        </section>

        <section class="panel" id="claims-panel"><h2>{{t.ui.exception.claims}}</h2>
          {{^empty(claims)}}<div class="table-scroll"><table class="grid" id="claims"><thead><tr><th>{{t.ui.exception.claimNumber}}</th><th>{{t.ui.exception.party}}</th><th class="num">{{t.ui.exception.claimed}}</th><th>{{t.ui.field.status}}</th><th class="num">{{t.ui.exception.recovered}}</th><th>{{t.ui.exception.reference}}</th><th>{{t.ui.exception.documents}}</th></tr></thead>
          <tbody>{{#claims}}<tr data-claim="{{number}}"><td>{{number}}<br><span class="hint">{{filed}}</span></td><td>{{party}}</td><td class="num">{{claimed}}</td><td><span class="status" data-status="{{statusKey}}">{{status}}</span>{{#note}}<br><span class="hint">{{note}}</span>{{/note}}</td><td class="num">{{recovered}}</td><td>{{reference}}</td>
            <td>{{#documents}}<a href="{{href}}" class="claim-document">{{text}}</a><br>{{/documents}}
            {{#documentAction}}<form method="post" action="{{documentAction}}" enctype="multipart/form-data" class="inline"><input type="hidden" name="_csrf" value="{{csrf}}"><input type="file" name="document" accept="image/jpeg,image/png,image/webp,application/pdf" aria-label="{{t.ui.exception.upload}}" required> <button type="submit">{{t.ui.exception.upload}}</button></form>{{/documentAction}}</td></tr>
            {{#decideAction}}<tr class="subrow"><td colspan="7"><form method="post" action="{{decideAction}}" enctype="multipart/form-data" class="inline decide-claim"><input type="hidden" name="_csrf" value="{{csrf}}"><input type="hidden" name="version" value="{{version}}">
              <label><span>{{t.ui.exception.newStatus}}</span><select name="status">{{#next}}<option value="{{value}}">{{label}}</option>{{/next}}</select></label>
              <label><span>{{t.ui.exception.recovered}}</span><input name="recovered" inputmode="decimal" class="money" placeholder="0.00"></label>
              <label><span>{{t.ui.exception.note}}</span><input name="note" maxlength="1000"></label>
              <button type="submit">{{t.ui.exception.decideClaim}}</button></form></td></tr>{{/decideAction}}{{/claims}}</tbody></table></div>
          <p class="hint">{{t.ui.exception.uploadHint}}</p>{{/empty(claims)}}
          {{#empty(claims)}}<p class="hint">{{t.ui.exception.noClaims}}</p>{{/empty(claims)}}
          {{#claimAction}}<form method="post" action="{{claimAction}}" id="claim-form"><input type="hidden" name="_csrf" value="{{csrf}}">
            <label><span>{{t.ui.exception.party}}</span><select name="party" id="party">{{#parties}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/parties}}</select></label>
            <label><span>{{t.ui.exception.claimed}}</span><input name="amount" id="claim-amount" inputmode="decimal" class="money" placeholder="0.00" value="{{claimAmount}}" required></label>
            <label><span>{{t.ui.exception.reference}}</span><input name="reference" id="claim-reference" maxlength="100" value="{{claimReference}}"></label>
            <label class="wide"><span>{{t.ui.exception.note}}</span><input name="note" maxlength="1000"></label>
            <p class="toolbar"><button type="submit" id="file-claim">{{t.ui.exception.fileClaim}}</button></p></form>{{/claimAction}}
        </section>

        <section class="panel" id="money-panel"><h2>{{t.ui.exception.money}}</h2>
          {{^empty(money)}}<table class="grid" id="money"><thead><tr><th>{{t.ui.exception.kindOfMoney}}</th><th class="num">{{t.ui.exception.amount}}</th><th>{{t.ui.field.status}}</th><th>{{t.ui.exception.note}}</th><th>{{t.ui.exception.by}}</th></tr></thead>
          <tbody>{{#money}}<tr><td>{{kind}}</td><td class="num">{{amount}}</td><td>{{status}}</td><td>{{note}}</td><td>{{recorded}}</td></tr>{{/money}}</tbody></table>{{/empty(money)}}
          {{#empty(money)}}<p class="hint">{{t.ui.exception.noMoney}}</p>{{/empty(money)}}
          {{#moneyAction}}<form method="post" action="{{moneyAction}}" id="money-form"><input type="hidden" name="_csrf" value="{{csrf}}">
            <label><span>{{t.ui.exception.kindOfMoney}}</span><select name="kind" id="money-kind">{{#moneyKinds}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/moneyKinds}}</select></label>
            <label><span>{{t.ui.exception.amount}}</span><input name="amount" id="money-amount" inputmode="decimal" class="money" placeholder="0.00" value="{{moneyAmount}}" required></label>
            <label class="wide"><span>{{t.ui.exception.note}}</span><input name="note" maxlength="1000"></label>
            <p class="hint">{{t.ui.exception.moneyHint}}</p>
            <p class="toolbar"><button type="submit" id="record-money">{{t.ui.exception.recordMoney}}</button></p></form>{{/moneyAction}}
        </section>

        {{#resolveAction}}<form method="post" action="{{resolveAction}}" class="panel" id="resolve-form"><input type="hidden" name="_csrf" value="{{csrf}}"><input type="hidden" name="version" value="{{version}}">
          <h2>{{t.ui.exception.resolve}}</h2>
          <label><span>{{t.ui.exception.resolution}}</span><select name="resolution" id="resolution" required><option value=""></option>{{#resolutions}}<option value="{{value}}">{{label}}</option>{{/resolutions}}</select></label>
          <label class="wide"><span>{{t.ui.exception.note}}</span><textarea name="note" id="resolve-note" maxlength="2000" rows="2" required>{{resolveNote}}</textarea></label>
          <p class="hint">{{t.ui.exception.resolveHint}}</p>
          <p class="toolbar"><button type="submit" class="primary" id="resolve">{{t.ui.exception.resolve}}</button></p></form>{{/resolveAction}}

        <section class="panel" id="exception-history"><h2>{{t.ui.exception.history}}</h2>
          <table class="grid"><tbody>{{#history}}<tr><td>{{time}}</td><td>{{person}}</td><td>{{action}}</td></tr>{{/history}}</tbody></table>
        </section>
        {{/page}}
        {{/content}}
        {{/layout}}
        """

    /// `RaiseExceptionModel`.
    static let raiseException = """
        {{<layout}}
        {{$title}}{{page.title}}{{/title}}
        {{$content}}
        {{#page}}
        <p><a href="{{orderHref}}">‹ {{t.ui.exception.order}}</a></p>
        <h1 id="page-title">{{title}}</h1>
        {{#error}}<p class="alert" role="alert" id="raise-error">{{error}}</p>{{/error}}
        {{^empty(existing)}}<dl class="facts"><dt>{{t.ui.exception.list}}</dt><dd>{{#existing}}<a href="{{href}}">{{text}}</a><br>{{/existing}}</dd></dl>{{/empty(existing)}}
        {{#action}}<form method="post" action="{{action}}" class="panel" id="raise-form"><input type="hidden" name="_csrf" value="{{csrf}}">
          
          <label><span>{{t.ui.exceptions.kind}}</span><select name="kind" id="kind">{{#kinds}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/kinds}}</select></label>
          <label><span>{{t.ui.exceptions.severity}}</span><select name="severity" id="severity">{{#severities}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/severities}}</select></label>
          <label><span>{{t.ui.exception.shipment}}</span><select name="shipment" id="shipment">{{#shipments}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/shipments}}</select></label>
          <label class="wide"><span>{{t.ui.exceptions.description}}</span><textarea name="description" id="description" maxlength="1000" rows="3" required>{{description}}</textarea></label>
          <label class="check"><input type="checkbox" name="notify" id="notify"{{#notify}} checked{{/notify}}> {{t.ui.exception.notify}}</label>
          <p class="hint">{{t.ui.exception.raiseHint}}</p>
          <p class="toolbar"><button type="submit" class="primary" id="raise">{{t.ui.exception.raise}}</button></p></form>{{/action}}
        {{/page}}
        {{/content}}
        {{/layout}}
        """
}
