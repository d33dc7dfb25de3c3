import DocketCore
import Foundation
import Testing

@Suite("Customer messages")
struct NoticeTests {
    func facts() -> NoticeFacts {
        var facts = NoticeFacts(number: "SO-20261124-000007", customerName: "杭州佳和商贸有限公司")
        facts.lines = [NoticeFacts.Line(name: "龙井", quantity: 2, unit: "盒", amount: Money(minor: 53_600))]
        facts.total = Money(minor: 53_600)
        facts.processingDays = 7
        facts.deadline = Timestamp(millisecondsSince1970: 1_795_500_000_000)
        facts.problems = [FieldProblem("deliveryAddress", "required")]
        facts.carrier = "顺丰速运"
        facts.trackingNumber = "SF1234567890"
        facts.eta = CalendarDate(year: 2026, month: 11, day: 26)
        return facts
    }

    /// Every topic renders in both languages with no placeholder left, except the confirmation link, which only the
    /// topics that ask for a confirmation carry.
    @Test(arguments: NotificationTopic.allCases)
    func everyTopicRendersInBothLanguages(_ topic: NotificationTopic) {
        for language in Language.allCases {
            let notice = CustomerNotice.render(topic, facts(), in: language)
            let all = notice.subject + notice.body + notice.sms
            #expect(notice.subject.contains("SO-20261124-000007") && notice.sms.contains("SO-20261124-000007"))
            #expect(all.contains(CustomerNotice.linkPlaceholder) == CustomerNotice.carriesLink(topic), "\(topic) \(language)")
            #expect(
                !all.replacingOccurrences(of: CustomerNotice.linkPlaceholder, with: "").replacingOccurrences(of: CustomerNotice.trackPlaceholder, with: "")
                    .contains("{"), "\(topic) \(language): \(all)")
            // What happened after confirmation carries the order's tracking link (in the e-mail; an SMS stays short).
            #expect(notice.body.contains(CustomerNotice.trackPlaceholder) == [.confirmed, .shipped, .delayed, .delivered, .exceptionOpened, .exceptionResolved].contains(topic), "\(topic)")
            #expect(!notice.sms.contains(CustomerNotice.trackPlaceholder))
            #expect(!notice.subject.contains("\n"))
        }
    }

    @Test func theAcknowledgementSaysWhatWasOrdered() {
        let zh = CustomerNotice.render(.acknowledged, facts(), in: .zhCN)
        #expect(zh.subject == "订单 SO-20261124-000007 已收到")
        #expect(zh.body.contains("杭州佳和商贸有限公司，您好") && zh.body.contains("龙井 × 2盒　¥536.00") && zh.body.contains("预计处理时间：7 天"))
        let en = CustomerNotice.render(.shipped, facts(), in: .en)
        #expect(en.sms == "Order SO-20261124-000007 shipped with 顺丰速运, tracking SF1234567890, expected 2026-11-26.")
        let needs = CustomerNotice.render(.needsInfo, facts(), in: .zhCN)
        #expect(needs.body.contains("- 收货地址：必填"), "\(needs.body)")
        let request = CustomerNotice.render(.confirmationRequested, facts(), in: .zhCN)
        #expect(request.body.contains("请在 2026-11-24 14:00（北京时间）前确认"), "Beijing time, to the minute")
    }

    @Test func theCustomerHearsByEmailElseByMobile() {
        #expect(CustomerNotice.channel(email: "a@b.cn", phone: "13800001111")! == (.email, "a@b.cn"))
        #expect(CustomerNotice.channel(email: " ", phone: "+86 138-0000-1111")! == (.sms, "+86 138-0000-1111"))
        #expect(CustomerNotice.channel(email: nil, phone: "021-12345678") == nil, "no SMS to a landline")
        #expect(CustomerNotice.channel(email: nil, phone: nil) == nil)
        #expect(!CustomerNotice.isMobile("1380000111") && !CustomerNotice.isMobile("23800001111") && CustomerNotice.isMobile("13800001111"))
    }

    @Test func failedDeliveriesWaitLongerThenStop() {
        let policy = DeliveryPolicy(maxAttempts: 10)
        #expect(policy.retryDelayMilliseconds(afterAttempt: 1) == 30_000)
        #expect(policy.retryDelayMilliseconds(afterAttempt: 2) == 60_000)
        #expect(policy.retryDelayMilliseconds(afterAttempt: 8) == 3_600_000)
        #expect(policy.retryDelayMilliseconds(afterAttempt: 9) == 3_600_000)
        #expect(policy.retryDelayMilliseconds(afterAttempt: 10) == nil)
    }

    @Test func webhookSubscriptionsAreChecked() {
        #expect(throws: Never.self) { try WebhookSubscriptionDraft(name: "ERP", url: "https://erp.example.com/hooks", topics: ["order.shipped"]).validate() }
        for bad in ["ftp://x/y", "https://", "javascript:alert(1)", "https://exa mple.com", ""] {
            #expect(throws: DocketError.self) { try WebhookSubscriptionDraft(name: "ERP", url: bad).validate() }
        }
        #expect(throws: DocketError.self) { try WebhookSubscriptionDraft(name: "ERP", url: "https://e.cn", topics: ["order.lost"]).validate() }
        #expect(WebhookSubscriptionDraft(name: "a", url: "https://e.cn").wants("order.shipped"))
        #expect(!WebhookSubscriptionDraft(name: "a", url: "https://e.cn", topics: ["order.confirmed"]).wants("order.shipped"))
        #expect(!WebhookSubscriptionDraft(name: "a", url: "https://e.cn", active: false).wants("order.shipped"))
    }

    @Test func aStoredFailureReadsBackAsItsKindAndDetail() {
        let stored = DeliveryFailure.receiverError.stored("the receiver answered HTTP 500")
        #expect(stored == "receiver_error: the receiver answered HTTP 500")
        #expect(DeliveryFailure.parse(stored) == (.receiverError, "the receiver answered HTTP 500"))
        #expect(DeliveryFailure.parse("SMTP: timed out") == (.other, "SMTP: timed out"), "stored before kinds existed")
        #expect(DeliveryFailure.parse("") == (.other, ""))
    }

    @Test func aRequestToConfirmGoesOnlyWhileTheOrderWaits() {
        for status in OrderStatus.allCases {
            #expect(CustomerNotice.isCurrent(.confirmationRequested, status: status) == (status == .awaitingConfirmation))
            #expect(CustomerNotice.isCurrent(.confirmationReminder, status: status) == (status == .awaitingConfirmation))
            #expect(CustomerNotice.isCurrent(.shipped, status: status))
        }
    }
}
