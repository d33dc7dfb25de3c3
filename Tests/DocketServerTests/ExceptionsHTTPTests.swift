import DocketCore
import DocketStore
import DocketTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import DocketServer

/// 异常处理 over the API: roles, field problems in the reader's language, a stale version, an oversize document, and
/// the way from raising to resolving on the demo's parcel on its way.
@Suite("Exceptions over HTTP")
struct ExceptionsHTTPTests {
    @Test func aLostParcelIsWorkedThroughTheAPI() async throws {
        try await withApp { client, store in
            #expect(try await store.loadDemo())
            let onTheWay = try #require(try await store.shipments.queue([.shipped]).first)
            let finance = try await AllocationHTTPTests().token(store, "cashier", [.finance])
            func call(_ method: HTTPRequest.Method, _ uri: String, _ body: String = "{}", bearer: String? = nil, language: String = "zh-CN",
                type: String = "application/json") async throws -> (HTTPResponse.Status, String)
            {
                var headers: HTTPFields = [.contentType: type, .acceptLanguage: language]
                if let bearer { headers[.authorization] = "Bearer \(bearer)" }
                return try await client.execute(uri: uri, method: method, headers: headers, body: ByteBuffer(string: body)) {
                    ($0.status, String(buffer: $0.body))
                }
            }
            let raise = #"{"kind":"lost","description":"快递员确认丢件","shipmentId":\#(onTheWay.id),"notifyCustomer":true}"#
            #expect(try await call(.post, "/api/v1/orders/\(onTheWay.orderID)/exceptions", raise, bearer: finance).0 == .forbidden)
            var answer = try await call(.post, "/api/v1/orders/\(onTheWay.orderID)/exceptions", #"{"kind":"lost","description":""}"#)
            #expect(answer.0 == .unprocessableContent && answer.1.contains(#""field":"description""#) && answer.1.contains("必填"), "\(answer.1)")
            answer = try await call(.post, "/api/v1/orders/\(onTheWay.orderID)/exceptions", raise)
            #expect(answer.0 == .created, "\(answer.1)")
            let raised = try JSONSerialization.jsonObject(with: Data(answer.1.utf8)) as! [String: Any]
            let id = try #require(raised["id"] as? Int)
            #expect(raised["severity"] as? String == "high" && raised["status"] as? String == "open")

            // A stale version is a 409 in words; the assignment with the current one goes through.
            answer = try await call(.post, "/api/v1/exceptions/\(id)/assign", #"{"owner":"王敏","severity":"critical","version":0}"#)
            let number = try #require(raised["number"] as? String)
            #expect(answer.0 == .conflict && answer.1.contains(number), "a stale version names the exception: \(answer.1)")
            answer = try await call(.post, "/api/v1/exceptions/\(id)/assign", #"{"owner":"王敏","severity":"critical","version":1}"#)
            #expect(answer.0 == .ok && answer.1.contains(#""owner":"王敏""#), "\(answer.1)")

            // A claim of more than the business bounds is a field problem in English when asked; a paid claim needs what came back.
            answer = try await call(.post, "/api/v1/exceptions/\(id)/claims", #"{"party":"carrier","amount":{"minor":1000000000001,"currency":"CNY"}}"#, language: "en")
            #expect(answer.0 == .unprocessableContent && answer.1.contains(#""field":"amount""#), "\(answer.1)")
            answer = try await call(.post, "/api/v1/exceptions/\(id)/claims", #"{"party":"carrier","amount":{"minor":26700,"currency":"CNY"},"reference":"SF-CL-9"}"#)
            #expect(answer.0 == .created, "\(answer.1)")
            let claim = try #require((try JSONSerialization.jsonObject(with: Data(answer.1.utf8)) as! [String: Any])["id"] as? Int)
            answer = try await call(.post, "/api/v1/claims/\(claim)/decide", #"{"status":"paid"}"#)
            #expect(answer.0 == .unprocessableContent && answer.1.contains(#""field":"recovered""#), "\(answer.1)")
            answer = try await call(.post, "/api/v1/claims/\(claim)/decide", #"{"status":"paid","recovered":{"minor":26700,"currency":"CNY"}}"#, bearer: finance)
            #expect(answer.0 == .ok && answer.1.contains(#""status":"paid""#), "\(answer.1)")

            // Documents: the body is the file; over 2 MB is a 413; the file comes back as it went in.
            let big = String(repeating: "x", count: ClaimDocument.maxBytes + 1)
            #expect(try await call(.put, "/api/v1/claims/\(claim)/documents?name=big.pdf", big, type: "application/pdf").0 == .contentTooLarge)
            answer = try await call(.put, "/api/v1/claims/\(claim)/documents?name=form.pdf", "%PDF-1.4 claim", type: "application/pdf")
            #expect(answer.0 == .created, "\(answer.1)")
            let href = try #require(answer.1.range(of: #"/api/v1/claim-documents/\d+"#, options: .regularExpression).map { String(answer.1[$0]) })
            #expect(try await call(.get, href).1 == "%PDF-1.4 claim")

            // Sent again: the lost parcel is lost and a new shipment is served (the demo has the stock); then resolved.
            answer = try await call(.post, "/api/v1/exceptions/\(id)/resolve", #"{"resolution":"reshipped","note":"已补发"}"#)
            #expect(answer.0 == .unprocessableContent && answer.1.contains("请先补发"), "\(answer.1)")
            answer = try await call(.post, "/api/v1/exceptions/\(id)/reship", #"{}"#)
            #expect(answer.0 == .created, "\(answer.1)")
            #expect(try await store.shipments.shipment(id: onTheWay.id).status == .lost)
            answer = try await call(.post, "/api/v1/exceptions/\(id)/reship", #"{}"#)
            #expect(answer.0 == .unprocessableContent && answer.1.contains("没有可补发的数量"), "\(answer.1)")
            answer = try await call(.post, "/api/v1/exceptions/\(id)/resolve", #"{"resolution":"reshipped","note":"已补发"}"#)
            #expect(answer.0 == .ok && answer.1.contains(#""resolution":"reshipped""#), "\(answer.1)")
            answer = try await call(.post, "/api/v1/exceptions/\(id)/resolve", #"{"resolution":"explained","note":"再次"}"#)
            #expect(answer.0 == .conflict && answer.1.contains("已结案"), "\(answer.1)")
            answer = try await call(.get, "/api/v1/exceptions/\(id)")
            #expect(answer.0 == .ok && answer.1.contains(#""reshipments":[{"#) && answer.1.contains(#""claims":[{"#), "\(answer.1)")
        }
    }
}
