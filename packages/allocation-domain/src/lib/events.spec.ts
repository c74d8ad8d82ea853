import {
  asDomainEvent,
  lineShipped,
  pickListNotFound,
  PickListId,
  skusOf,
  type PickList,
} from '../index';
import { eta, ref, sku, unwrap, qty, orderId } from '../test-support/builders';

describe('events met as (type, data) pairs', () => {
  it('are read back as the domain event their tag names', () => {
    expect(asDomainEvent('Shipped', { orderId: 'o1', quantity: 2 })).toEqual({
      _tag: 'Shipped',
      orderId: 'o1',
      quantity: 2,
    });
  });

  it('of another context are not domain events', () => {
    expect(asDomainEvent('OrderPlaced', { orderId: 'o1' })).toBeUndefined();
  });
});

describe('messages a client sees', () => {
  it('name the pick list that was not found', () => {
    expect(pickListNotFound('p9').message).toBe('Pick list p9 not found');
  });

  it('say a shipped line cannot be allocated again', () => {
    expect(lineShipped('o1', 'RUG').message).toBe("Order o1's line of sku RUG has shipped already");
  });
});

describe('a pick list', () => {
  it('names the SKUs it touches once each, sorted: the order their products are locked in', () => {
    const batch = (reference: string, skuValue: string) => ({
      batchReference: ref(reference),
      sku: sku(skuValue),
      eta: eta(null),
      quantity: 1,
      lines: [{ orderId: orderId('o1'), quantity: qty(1) }],
    });
    const pickList: PickList = {
      id: unwrap(PickListId('p1')),
      status: 'open',
      batches: [batch('b1', 'SOFA'), batch('b2', 'LAMP'), batch('b3', 'SOFA')],
    };
    expect(skusOf(pickList)).toEqual(['LAMP', 'SOFA']);
  });
});
